/** The Decoder widget's worker: the model's decoders, off the page's main thread. */
import { serveRequests } from '../worker-rpc';
import { decodeInputs, type DecodeOutcome } from './decode';

export interface DecodeQuery {
  readonly kind: string;
  readonly value: string;
  readonly ipaBits: string;
}

serveRequests((q: DecodeQuery): DecodeOutcome => decodeInputs(q.kind, q.value, q.ipaBits));
