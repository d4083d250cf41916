import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Unit tests: the model, the CLI and the site's own code. Workspace packages resolve to their
 * TypeScript sources through the "realmfault-source" export condition, so no build is needed.
 */
export default defineConfig({
  resolve: { conditions: ['realmfault-source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['realmfault-source', ...defaultServerConditions] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'tests/unit/**/*.test.ts'],
    typecheck: { enabled: false },
  },
});
