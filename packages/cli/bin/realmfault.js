#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm ci` through the root "prepare" script).
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readFile: async (p) => (await import('node:fs/promises')).readFile(p),
});
