/**
 * The deployment files (.github/workflows/pages.yml, .gitlab-ci.yml; docs/deploy.md): the things
 * a deployment under a base path depends on, pinned with plain text checks (no YAML parser
 * dependency): Node 22, a clean install, the build with BASE_PATH and SITE_URL for the address the
 * host serves the site at, and the built directory as what is published. The GitLab job's shell
 * lines that derive BASE_PATH and SITE_URL from CI_PAGES_URL are run here for real addresses.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The file without its comment lines. */
const config = (path: string): string =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n');

/** The value of `key:` in the text (first occurrence), without quotes. */
function value(text: string, key: string): string {
  const m = new RegExp(`^\\s*-?\\s*${key}:\\s*(.+)$`, 'm').exec(text);
  if (!m) throw new Error(`no "${key}:" found`);
  return (m[1] ?? '').trim().replace(/^(['"])(.*)\1$/, '$2');
}

describe('.github/workflows/pages.yml (GitHub Pages)', () => {
  const yml = config('.github/workflows/pages.yml');

  it('builds with Node 22 from a clean install', () => {
    expect(value(yml, 'uses')).toMatch(/^actions\/checkout@v\d+$/);
    expect(yml).toMatch(/uses: actions\/setup-node@v\d+\n\s+with:\n\s+node-version: 22\n/);
    expect(yml.indexOf('run: npm ci')).toBeGreaterThan(0);
    expect(yml.indexOf('run: npm run build')).toBeGreaterThan(yml.indexOf('run: npm ci'));
  });

  it('builds for https://OWNER.github.io/REPOSITORY/', () => {
    const build = yml.slice(yml.indexOf('run: npm run build'));
    expect(value(build, 'BASE_PATH')).toBe('/${{ github.event.repository.name }}/');
    expect(value(build, 'SITE_URL')).toBe('https://${{ github.repository_owner }}.github.io');
  });

  it('publishes dist/ with the Pages actions and the permissions they need', () => {
    expect(yml).toMatch(/uses: actions\/upload-pages-artifact@v\d+\n\s+with:\n\s+path: dist\n/);
    expect(yml).toMatch(/uses: actions\/deploy-pages@v\d+/);
    expect(yml).toMatch(/\npermissions:\n(\s+[\w-]+: \w+\n)*\s+pages: write\n/);
    expect(yml).toMatch(/\npermissions:\n(\s+[\w-]+: \w+\n)*\s+id-token: write\n/);
    expect(yml).toMatch(/\n\s+needs: build\n/);
  });

  it('says that GitHub Pages cannot send the headers', () => {
    expect(readFileSync('.github/workflows/pages.yml', 'utf8')).toMatch(
      /GitHub Pages cannot set response headers/,
    );
  });
});

describe('.gitlab-ci.yml (GitLab Pages)', () => {
  const yml = config('.gitlab-ci.yml');
  /** The job's script lines: the list under `  script:`, up to the next key. */
  const script = [
    ...(/\n {2}script:\n((?: {4}- .*\n)+)/.exec(yml)?.[1] ?? '').matchAll(/^ {4}- (.+)$/gm),
  ].map((m) => m[1] ?? '');

  it('is a `pages` job on Node 22 that builds from a clean install', () => {
    expect(yml).toMatch(/^pages:\n/m);
    expect(value(yml, 'image')).toBe('node:22');
    expect(script[0]).toBe('npm ci');
    expect(script.indexOf('npm run build')).toBeGreaterThan(0);
  });

  it('publishes the build as public/', () => {
    const build = script.indexOf('npm run build');
    expect(script.slice(build + 1)).toEqual(['rm -rf public', 'mv dist public']);
    expect(yml).toMatch(/\n {2}artifacts:\n {4}paths:\n {6}- public\n/);
  });

  it.each([
    ['https://group.gitlab.io/realmfault', 'https://group.gitlab.io', '/realmfault/'],
    ['https://group.gitlab.io/sub/realmfault', 'https://group.gitlab.io', '/sub/realmfault/'],
    ['https://realmfault-group-1a2b3c.gitlab.io', 'https://realmfault-group-1a2b3c.gitlab.io', '/'],
    ['http://pages.example.org/team/realmfault', 'http://pages.example.org', '/team/realmfault/'],
  ])('builds for CI_PAGES_URL=%s with SITE_URL=%s and BASE_PATH=%s', (pagesUrl, site, base) => {
    const lines = script.slice(0, script.indexOf('npm run build')).filter((l) => l !== 'npm ci');
    expect(lines.join('\n')).toContain('CI_PAGES_URL');
    const out = execFileSync('sh', ['-ec', `${lines.join('\n')}\nprintf '%s %s' "$SITE_URL" "$BASE_PATH"`], {
      env: { PATH: process.env['PATH'] ?? '', CI_PAGES_URL: pagesUrl },
      encoding: 'utf8',
    });
    expect(out.split('\n').at(-1)).toBe(`${site} ${base}`);
  });

  it('says that GitLab Pages cannot send the headers', () => {
    expect(readFileSync('.gitlab-ci.yml', 'utf8')).toMatch(/GitLab Pages cannot set response headers/);
  });
});
