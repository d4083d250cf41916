// @ts-check
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import astro from 'eslint-plugin-astro';

/**
 * Lint with type information everywhere TypeScript can see (the project service finds the
 * nearest tsconfig.json: the site's at the root, each package's own).
 */
export default defineConfig(
  {
    ignores: ['dist/', 'dist-base/', '**/dist/', '.astro/', 'node_modules/', 'reports/', 'bench/out/'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...astro.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['packages/cli/bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // TypeScript already reports undefined names, with knowledge of each file's environment.
      'no-undef': 'off',
      // Template literals with numbers and bigints are how this project prints addresses.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allow: [{ name: 'bigint', from: 'lib' }] },
      ],
    },
  },
  {
    // Astro components are checked by `astro check`; typed rules need a TS program they lack.
    files: ['**/*.astro'],
    ...tseslint.configs.disableTypeChecked,
  },
);
