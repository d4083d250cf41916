// @ts-check
/** Start every test run with an empty reports/ folder, so the closing count reflects this run only. */
import { mkdirSync, rmSync } from 'node:fs';

rmSync('reports', { recursive: true, force: true });
mkdirSync('reports', { recursive: true });
