/**
 * Creating and activating a realm (arch/arm64/kvm/rmi.c, v14 patches 18, 19, 27 and 28), which
 * KVM does on the first KVM_RUN of a vCPU: kvm_arch_vcpu_run_pid_change() → kvm_activate_realm()
 * [@v14-arm.c:1035-1039]. The model runs it once, as the scenario's setup. Post-v14 code is the
 * same for what the model covers [@post-v14-gw-rmi.c:1443-1496].
 */
import { RMI_REALM_ACTIVATE, RMI_REALM_CREATE } from '../rmm/rmi.js';
import { ENOMEM, ENXIO } from '../sim/errno.js';
import { modelBroken } from '../sim/errors.js';
import { call, decide, type World } from '../sim/world.js';
import { allocPages, freePage } from '../vmm/host.js';
import { realm_init_ipa_state, rmi_delegate_range, rmi_undelegate_range } from './rmi.js';

const PAGE_SIZE = 0x1000n;

/**
 * realm_create_rd(kvm): allocate and delegate the realm descriptor page and the stage-2 root
 * (kvm->arch.mmu.pgd_phys, rtt_num_start pages), then RMI_REALM_CREATE with rtt_level_start =
 * get_start_level() and rtt_num_start = pgd_size / PAGE_SIZE; on success KVM's state becomes
 * REALM_STATE_NEW [@v14-rmi.c:504-580]. Failures undelegate what was delegated and return
 * -ENXIO (or -ENOMEM). The realm parameters other than the RTT geometry are not modelled.
 */
function realm_create_rd(w: World): number {
  return call(w, 'realm_create_rd', { ia_bits: w.geom.ipaBits }, () => {
    const rd = allocPages(w, 1n, 'kernel') << 12n;
    const pgdPages = BigInt(w.geom.rootTables);
    const pgd = allocPages(w, pgdPages, 'kernel') << 12n;
    const pgdSize = pgdPages * PAGE_SIZE;
    if (rmi_delegate_range(w, rd, PAGE_SIZE, { delegated: 0n }) !== 0) {
      freePage(w, rd >> 12n);
      return ENXIO;
    }
    if (rmi_delegate_range(w, pgd, pgdSize, { delegated: 0n }) !== 0) {
      rmi_undelegate_range(w, pgd, pgdSize);
      rmi_undelegate_range(w, rd, PAGE_SIZE);
      return ENXIO;
    }
    const r = RMI_REALM_CREATE(w, rd, pgd, w.geom.startLevel, w.geom.rootTables);
    if (r.ret !== 0) {
      rmi_undelegate_range(w, pgd, pgdSize);
      rmi_undelegate_range(w, rd, PAGE_SIZE);
      return ENXIO;
    }
    w.kvm.rd = rd;
    w.kvm.realmState = 'NEW';
    decide(
      w,
      'realm_create_rd',
      `realm NEW: RTT root at L${w.geom.startLevel}, ${w.geom.rootEntries} entries in ${w.geom.rootTables} table(s)`,
    );
    return 0;
  });
}

/**
 * realm_ensure_created(kvm): create the RD the first time it is needed: NONE → realm_create_rd();
 * NEW → 0; DEAD → -ENXIO; any other state → -EBUSY [@v14-rmi.c:982-999].
 */
function realm_ensure_created(w: World): number {
  return call(w, 'realm_ensure_created', { state: w.kvm.realmState }, () => {
    switch (w.kvm.realmState) {
      case 'NONE':
        return realm_create_rd(w);
      case 'NEW':
        return 0;
      default:
        throw modelBroken(`realm_ensure_created() in state ${w.kvm.realmState}`);
    }
  });
}

/**
 * set_ripas_of_protected_regions(kvm): RIPAS RAM over every guest_memfd memslot, through
 * realm_init_ipa_state() → ripas_change(RIPAS_INIT) → RMI_RTT_INIT_RIPAS, creating RTTs only down
 * to find_map_level(), so a 1 GiB-aligned memslot is RAM at level 1 [@v14-rmi.c:1001-1023]. The
 * scenario's `ripasRam` can name other ranges (the v14 code always takes the memslots).
 */
function set_ripas_of_protected_regions(w: World): number {
  return call(w, 'set_ripas_of_protected_regions', {}, () => {
    for (const r of w.sc.ripasRam) {
      const ret = realm_init_ipa_state(w, r.gpa >> 12n, r.size >> 12n);
      if (ret !== 0) return ret;
    }
    return 0;
  });
}

/**
 * kvm_activate_realm(kvm): on the first vCPU run — realm_ensure_created(); the state is set to
 * DEAD "in case we fail"; a REC per vCPU (kvm_create_rec(), not modelled: the model's RECs exist
 * from the start); set_ripas_of_protected_regions(); RMI_REALM_ACTIVATE (failure → -ENXIO); state
 * ACTIVE [@v14-rmi.c:1277-1320]. Post-v14, a failure after the state became DEAD also calls
 * kvm_vm_dead(), so every later vCPU ioctl fails with -EIO [@post-v14-gw-rmi.c:1443-1496]; in v14
 * the realm stays DEAD and the next KVM_RUN reaches kvm_rec_pre_enter(), which refuses it with
 * -EINVAL. Returns 0 or a negative errno. A scenario whose realm.state is DEAD makes
 * kvm_create_rec() fail here, the way a failed allocation would.
 */
export function kvm_activate_realm(w: World): number {
  return call(w, 'kvm_activate_realm', {}, () => {
    let ret = realm_ensure_created(w);
    if (ret !== 0) return ret;
    w.kvm.realmState = 'DEAD';
    const dead = (err: number): number => {
      if (w.variant !== 'v14') {
        decide(w, 'kvm_activate_realm', 'out_vm_dead: kvm_vm_dead(): every later vCPU ioctl fails with -EIO');
        w.kvm.vmDead = true;
      }
      return err;
    };
    if (w.sc.realm.state === 'DEAD') {
      decide(
        w,
        'kvm_activate_realm',
        "kvm_create_rec() fails (the scenario's realm.state DEAD): the realm stays DEAD",
      );
      return dead(ENOMEM);
    }
    ret = set_ripas_of_protected_regions(w);
    if (ret !== 0) return dead(ret);
    if (RMI_REALM_ACTIVATE(w, w.kvm.rd).ret !== 0) return dead(ENXIO);
    w.kvm.realmState = 'ACTIVE';
    return 0;
  });
}
