/**
 * Messages between the Replay page's script (client.ts) and its worker (worker.ts). No model
 * code: the page's script imports this module for its types only.
 *
 * The worker says `{ ready: true }` once the model has loaded. A `run` request reads the input in
 * chunks into the model's replay, posting progress between chunks, and KEEPS the result: the reply
 * carries the summary, the first episodes and the inferred scenario as HTML, and the number of
 * lines. The page then asks for windows of rendered rows (`rows`), for one line's detail
 * (`detail`) and for more episodes (`episodes`); the whole result never crosses to the page. The
 * worker is never asked to stop: Cancel and the wall-clock limit terminate it, and the result
 * goes with it.
 */

export const VARIANT_CHOICES = ['v14', 'post-v14-review'] as const;
export type VariantChoice = (typeof VARIANT_CHOICES)[number];

export interface ReplaySettings {
  /** The realm's IPA width, 32 to 52. */
  readonly ipaBits: number;
  readonly variant: VariantChoice;
}

/** Where the result's links point. */
export interface LinkTargets {
  readonly playground: string;
}

/** The log: the text box's text, or a file (read by the worker, slice by slice). */
export type ReplayInput =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'file'; readonly file: Blob; readonly name: string };

export type Request =
  | {
      readonly id: number;
      readonly kind: 'run';
      readonly input: ReplayInput;
      readonly settings: ReplaySettings;
      /** Element id prefix of the widget. */
      readonly uid: string;
      readonly targets: LinkTargets;
    }
  /** Rendered rows for lines `from` … `from + count - 1` (0-based indices into the result's lines). */
  | { readonly id: number; readonly kind: 'rows'; readonly from: number; readonly count: number }
  /** The detail panel for the line at index `index` (0-based). */
  | { readonly id: number; readonly kind: 'detail'; readonly index: number }
  /** Episodes `from` … `from + count - 1` (0-based), rendered. */
  | { readonly id: number; readonly kind: 'episodes'; readonly from: number; readonly count: number };

export type Query = Request extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

export interface Progress {
  /** Bytes of the input read so far, and in all. */
  readonly bytes: number;
  readonly total: number;
  /** Complete lines read so far. */
  readonly lines: number;
  /** `reading` while chunks go in; `finishing` while the model groups episodes and predicts. */
  readonly phase: 'reading' | 'finishing';
}

export type Reply =
  | {
      readonly ok: true;
      readonly kind: 'run';
      /** Lines in the result (the virtual list's length). */
      readonly lines: number;
      /** Characters read (UTF-16 code units). */
      readonly chars: number;
      readonly episodes: number;
      /** The result's shell: summary, first episodes, the (empty) line list, detail, scenario. */
      readonly html: string;
      /** One sentence for the live region. */
      readonly announcement: string;
      /** Milliseconds the worker spent, from the first chunk to the rendered reply. */
      readonly ms: number;
    }
  | { readonly ok: true; readonly kind: 'rows'; readonly from: number; readonly html: string }
  | { readonly ok: true; readonly kind: 'detail'; readonly index: number; readonly html: string }
  | {
      readonly ok: true;
      readonly kind: 'episodes';
      readonly from: number;
      readonly count: number;
      readonly html: string;
    }
  | {
      readonly ok: false;
      /** input: the log or the settings were refused (the model's ReplayInputError, an empty log). */
      readonly kind: 'input' | 'no-result' | 'error';
      readonly message: string;
    };

export type WorkerMessage =
  | { readonly ready: true }
  | { readonly id: number; readonly progress: Progress }
  | { readonly id: number; readonly reply: Reply };
