import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { serve } from '../../scripts/serve.mjs';
import { TEST_BASE_BUILD } from '../../scripts/site-config.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The site built at the root (dist/), e.g. http://127.0.0.1:PORT */
    baseURL: string;
    /** The site built under a base path (dist-base/), served only below it: http://127.0.0.1:PORT/realmfault */
    basedURL: string;
  }
}

/** Serve both builds once for every browser test file. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync('dist/index.html')) {
    throw new Error('dist/ has no built site: the browser tests run after `npm run build`.');
  }
  if (!existsSync(`${TEST_BASE_BUILD.outDir}/index.html`)) {
    throw new Error(
      `${TEST_BASE_BUILD.outDir}/ has no built site: the browser tests also check a build under ` +
        `${TEST_BASE_BUILD.base}; run \`npm run build:base\` first.`,
    );
  }
  const server = await serve('dist');
  const based = await serve(TEST_BASE_BUILD.outDir, 0, { base: TEST_BASE_BUILD.base });
  project.provide('baseURL', server.url);
  project.provide('basedURL', based.url);
  return async () => {
    await server.close();
    await based.close();
  };
}
