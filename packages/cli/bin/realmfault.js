#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm ci` through the root "prepare" script).
import { main, nodeIo } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2), nodeIo());
