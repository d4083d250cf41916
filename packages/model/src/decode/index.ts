/** Decoders for the values found in realm fault-path logs (issue 3, brief §1.3, §2, §3.5, §5, §6.1). */
export * from './field.js';
export * from './tables.js';
export * from './esr.js';
export * from './pte.js';
export * from './rmi.js';
export * from './ipa.js';
export * from './format.js';
