export * from './addr.js';
