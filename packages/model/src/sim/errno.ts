/**
 * The errno values the fault path returns, by name (asm-generic/errno-base.h, errno.h). Kernel
 * functions in the model return numbers exactly as the C does (0, 1 = resume, -errno); this table
 * turns them back into the names the prose and the CLI print.
 */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  ENOEXEC: 8,
  EAGAIN: 11,
  ENOMEM: 12,
  EFAULT: 14,
  EBUSY: 16,
  EINVAL: 22,
  EHWPOISON: 133,
} as const;
export type ErrnoName = keyof typeof ERRNO;

export const EPERM = -ERRNO.EPERM;
export const EIO = -ERRNO.EIO;
export const ENXIO = -ERRNO.ENXIO;
export const ENOEXEC = -ERRNO.ENOEXEC;
export const EAGAIN = -ERRNO.EAGAIN;
export const ENOMEM = -ERRNO.ENOMEM;
export const EFAULT = -ERRNO.EFAULT;
export const EBUSY = -ERRNO.EBUSY;
export const EINVAL = -ERRNO.EINVAL;

const NAMES = new Map<number, ErrnoName>((Object.keys(ERRNO) as ErrnoName[]).map((k) => [ERRNO[k], k]));

/** The name of a positive errno value, e.g. 14 → EFAULT. */
export function errnoName(errno: number): ErrnoName {
  const n = NAMES.get(Math.abs(errno));
  if (n === undefined) throw new RangeError(`errno: expected a known errno, got ${errno}`);
  return n;
}

/** A C `int` return as the kernel source would show it: `0`, `1`, `-EFAULT`, or hex for RMI statuses. */
export function formatCRet(ret: number): string {
  if (ret < 0) return `-${errnoName(-ret)}`;
  if (ret <= 1) return String(ret);
  return `0x${ret.toString(16)}`;
}
