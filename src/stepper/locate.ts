/**
 * Trace events → source lines and diagram nodes, and the grouping of events into stepper steps.
 * Pure and DOM-free: it runs at build time (built-in scenarios) and in the browser (the
 * playground), on the JSON form of the trace.
 *
 * Mapping (the model's functions are traced by call()/callT() and decide(), see source-index.ts):
 * - fn_enter X → X's declaration; the caller's call site of X is remembered as the caller's
 *   position;
 * - fn_return X → X's closing line;
 * - decision / warn_on in X → the decide() / WARN_ON*() site in X's slice whose text pattern
 *   matches the event;
 * - rmi_call C → the line of the running function that issues C;
 * - any other event (RTT and granule changes inside an RMI command, exits, VMM actions) → the
 *   running function's current line.
 * When a function has several matching sites (a retry issues RMI_RTT_DATA_MAP twice), the first
 * one after the function's current line is taken, else the first one (a loop went round): the
 * trace does not record which source line ran, so this is a reading, exact for straight-line
 * code and for loops that revisit sites in order.
 */
import type { EventLocation, JsonEvent, SourceIndex, SourceSite, SourceSlice } from './types';

interface Frame {
  readonly fn: string;
  line: number;
}

const str = (e: JsonEvent, k: string): string => {
  const v = e[k];
  return typeof v === 'string' ? v : '';
};

const patternCache = new Map<string, RegExp>();
const matches = (site: SourceSite, text: string): boolean => {
  if (site.pattern === undefined) return true;
  let re = patternCache.get(site.pattern);
  if (re === undefined) {
    re = new RegExp(site.pattern, 's');
    patternCache.set(site.pattern, re);
  }
  return re.test(text);
};

/** Of `sites`, the first after `after`, else the first. */
function next(sites: readonly SourceSite[], after: number): SourceSite | undefined {
  return sites.find((s) => s.line > after) ?? sites[0];
}

/** Locate every event of a trace (see the module comment). */
export function locateEvents(events: readonly JsonEvent[], index: SourceIndex): EventLocation[] {
  const slices = index.slices;
  const stack: Frame[] = [];
  const out: EventLocation[] = [];
  /** The RMI command whose nested events (RTT, granule changes) are being read, and its depth. */
  let rmi: { cmd: string; depth: number } | null = null;
  const top = (): Frame | undefined => stack[stack.length - 1];
  const here = (node: string | null): EventLocation => {
    const f = top();
    return f === undefined ? { fn: null, line: null, node } : { fn: f.fn, line: f.line, node: node ?? f.fn };
  };

  for (const e of events) {
    if (rmi !== null && e.depth <= rmi.depth) rmi = null;
    switch (e.type) {
      case 'step':
        stack.length = 0;
        rmi = null;
        out.push({ fn: null, line: null, node: null });
        break;
      case 'fn_enter': {
        const fn = str(e, 'fn');
        const caller = top();
        const callerSlice = caller === undefined ? undefined : slices[caller.fn];
        if (caller !== undefined && callerSlice !== undefined) {
          const site = next(
            callerSlice.sites.filter((s) => s.kind === 'call' && s.fn === fn),
            caller.line,
          );
          if (site !== undefined) caller.line = site.line;
        }
        const slice = slices[fn];
        stack.push({ fn, line: slice?.decl ?? 0 });
        out.push(
          slice === undefined ? { fn: null, line: null, node: fn } : { fn, line: slice.decl, node: fn },
        );
        break;
      }
      case 'fn_return': {
        const fn = str(e, 'fn');
        const slice = slices[fn];
        out.push(
          slice === undefined ? { fn: null, line: null, node: fn } : { fn, line: slice.end, node: fn },
        );
        const at = stack.map((f) => f.fn).lastIndexOf(fn);
        if (at >= 0) stack.length = at;
        break;
      }
      case 'decision':
      case 'warn_on': {
        const fn = str(e, 'fn');
        const text = e.type === 'decision' ? str(e, 'what') : str(e, 'cond');
        const kind = e.type === 'decision' ? 'decide' : 'warn';
        const frame = [...stack].reverse().find((f) => f.fn === fn);
        const keys = index.scopes[fn] ?? [fn];
        const candidates = keys.flatMap((key) =>
          (slices[key]?.sites ?? [])
            .filter((s) => s.kind === kind && s.fn === fn && matches(s, text))
            .map((site) => ({ key, site })),
        );
        const after = frame?.line ?? 0;
        const hit = candidates.find((c) => c.site.line > after) ?? candidates[0];
        if (hit !== undefined && frame !== undefined && hit.key === frame.fn) frame.line = hit.site.line;
        const mirroredFn = slices[fn]?.cFile != null;
        out.push(
          hit === undefined
            ? here(null)
            : { fn: hit.key, line: hit.site.line, node: mirroredFn ? fn : (top()?.fn ?? null) },
        );
        break;
      }
      case 'rmi_call': {
        const cmd = str(e, 'cmd');
        rmi = { cmd, depth: e.depth };
        const f = top();
        const slice = f === undefined ? undefined : slices[f.fn];
        if (f !== undefined && slice !== undefined) {
          const site = next(
            slice.sites.filter((s) => s.kind === 'call' && s.fn === cmd),
            f.line,
          );
          if (site !== undefined) f.line = site.line;
        }
        out.push(
          f === undefined ? { fn: null, line: null, node: cmd } : { fn: f.fn, line: f.line, node: cmd },
        );
        break;
      }
      default:
        out.push(here(rmi?.cmd ?? null));
    }
  }
  return out;
}

/**
 * Group events into stepper steps: the setup (realm creation and activation, before scenario
 * step 0) is one step; a granule's delegation change joins the step before it (it is the RMM's
 * bookkeeping of the command just issued, and the granule states are not shown); every other
 * event is a step of its own. Returns the index of each step's first event.
 */
export function groupSteps(events: readonly JsonEvent[]): number[] {
  const starts: number[] = [];
  let inSetup = false;
  events.forEach((e, i) => {
    if (e.type === 'step') {
      inSetup = e['index'] === -1;
      starts.push(i);
      return;
    }
    if (inSetup || (e.type === 'granule_change' && starts.length > 0)) return;
    starts.push(i);
  });
  return starts;
}

/** The slices the located events refer to (only these are shipped in the page). */
export function usedSlices(loc: readonly EventLocation[], index: SourceIndex): Record<string, SourceSlice> {
  const out: Record<string, SourceSlice> = {};
  for (const l of loc) {
    if (l.fn === null) continue;
    const s = index.slices[l.fn];
    if (s !== undefined) out[l.fn] = s;
  }
  return out;
}
