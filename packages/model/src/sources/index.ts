/** The source registry, citations and the verification ledger. */
export * from './types.js';
export { SOURCES, LINE_COUNTS } from './registry.js';
export {
  CitationError,
  citationProblems,
  citationsToLabels,
  citationsToPlainText,
  describeSource,
  findCitations,
  FUNCTION_TREES,
  resolveCitation,
  resolveCitations,
  revisionLabel,
  sourceById,
  withoutCitations,
} from './cite.js';
export type { CitationMatch, CitationRef, FunctionTree, ResolvedCitation } from './cite.js';
export { LEDGER } from './ledger.js';
export type { LedgerKind, LedgerRow, LedgerStatus } from './ledger.js';
