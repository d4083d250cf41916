// @ts-check
/**
 * `npm run build:base`: the production build again, as a project site under a base path
 * (TEST_BASE_BUILD in scripts/site-config.mjs: BASE_PATH=/realmfault/, SITE_URL=https://example.org,
 * into dist-base/), with the same zero-warning and link checks as `npm run build`. The browser
 * tests serve it only below /realmfault/, so a link, asset, worker or search URL that forgot the
 * base path fails there as it would on GitHub or GitLab Pages.
 */
import { spawnSync } from 'node:child_process';
import { TEST_BASE_BUILD } from './site-config.mjs';

const r = spawnSync(process.execPath, ['scripts/build.mjs'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    BASE_PATH: TEST_BASE_BUILD.base,
    SITE_URL: TEST_BASE_BUILD.site,
    OUT_DIR: TEST_BASE_BUILD.outDir,
  },
});
process.exit(r.status ?? 1);
