/**
 * The shape of the source registry (src/sources/registry.ts): every primary source the model,
 * the CLI and the site cite, with a public address a reader can open.
 */

/** Which version of the code or discussion a source belongs to. */
export type SourceVersion =
  /** The series as posted in v12 (RMM 1.0 command set). */
  | 'v12'
  /** The series as posted in v14, its mails and its tree (cca-host/v14). */
  | 'v14'
  /** Development code after the v14 posting, with the review's fixes folded in. */
  | 'post-v14'
  /** Mainline Linux (generic KVM, mm, the arm64 guest). */
  | 'mainline'
  /** TF-RMM, the reference RMM, at a named commit. */
  | 'tf-rmm'
  /** QEMU at a named commit. */
  | 'qemu'
  /** The RMM specification, Arm DEN0137. */
  | 'rmm-spec';

export const SOURCE_VERSIONS: readonly SourceVersion[] = [
  'v12',
  'v14',
  'post-v14',
  'mainline',
  'tf-rmm',
  'qemu',
  'rmm-spec',
];

/**
 * - `mail`: one mailing-list message (a patch or a reply);
 * - `code`: one file at a commit or named branch, cited by line;
 * - `commit`: one commit (its message and diff);
 * - `doc`: a document (the RMM specification, kernel documentation).
 */
export type SourceKind = 'mail' | 'code' | 'commit' | 'doc';

/** How line anchors are written for a code host. */
export type LineStyle = 'gitlab' | 'github' | 'cgit';

interface SourceBase {
  /** Stable id, as cited: `[@v14-29]` for id v14-29. Lower case letters, digits and `. _ / -`. */
  readonly id: string;
  readonly kind: SourceKind;
  readonly version: SourceVersion;
  /** The title as the source gives it (a mail subject, a file path, a commit subject). */
  readonly title: string;
  /** Who wrote it (a person, or the project for a file). */
  readonly author: string;
  /** YYYY-MM-DD: when it was posted, committed or published. */
  readonly date: string;
  /** A public address a reader can open. */
  readonly url: string;
  /** A few words for inline citations ("rmi.c", "Suzuki K Poulose"). */
  readonly short: string;
  /** Anything a reader should know about the source or its address. */
  readonly note?: string;
}

export interface MailSource extends SourceBase {
  readonly kind: 'mail';
  /**
   * True when `url` is a mail-archive search (subject, author and date) rather than the message
   * itself: no archive copy of the message could be verified.
   */
  readonly search: boolean;
}

export interface CodeSource extends SourceBase {
  readonly kind: 'code';
  /** The repository, as people name it ("linux-arm/linux-cca", "TF-RMM/tf-rmm"). */
  readonly repo: string;
  /** The commit (full hash) or the named branch the lines refer to. */
  readonly rev: string;
  /** The path of the file in the repository. */
  readonly path: string;
  readonly lineStyle: LineStyle;
}

export interface CommitSource extends SourceBase {
  readonly kind: 'commit';
  readonly repo: string;
  /** The full commit hash. */
  readonly rev: string;
}

export interface DocSource extends SourceBase {
  readonly kind: 'doc';
}

export type Source = MailSource | CodeSource | CommitSource | DocSource;

/** Lines of a code source, 1-based and inclusive. */
export interface LineRange {
  readonly from: number;
  readonly to: number;
}

/** A place in the code: a code source and lines in it. */
export interface CodeRef {
  readonly source: string;
  readonly lines: LineRange;
}
