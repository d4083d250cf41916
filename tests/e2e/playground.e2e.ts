/**
 * The playground (src/components/Playground.astro) in Chromium: a built-in scenario picked from
 * the menu runs in the worker and the stepper walks the same trace the model gives in Node; an
 * invalid edit shows the parser's field-path error inline and runs nothing; a run past the work
 * budget or the time limit ends with a clear message and the page keeps working; the URL hash
 * permalink round-trips. The editing area is a plain textarea until its first focus, when the
 * CodeMirror editor loads (and not before) with completion and hover docs from the scenario schema
 * and the model parser's errors shown on the field they name. The playground and explorer pages
 * use the wide layout.
 */
import {
  BUILTIN_SCENARIOS,
  getBuiltinScenario,
  parseScenarioJson,
  runScenario,
  toJSONValue,
} from '@realmfault/model';
import type { Variant } from '@realmfault/model';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { groupSteps } from '../../src/stepper/locate';
import { stepperProse } from '../../src/stepper/prose';
import { decodeLink, encodeLink } from '../../src/playground/permalink';
import type { JsonEvent } from '../../src/stepper/types';
import { baseURL, openPage, useBrowser } from './browser.js';

const { browser } = useBrowser();
const PG = '[data-rf-widget="playground"]';
const STEPPER = `${PG} [data-rf-widget="stepper"]`;

/** The prose of each stepper step, from the model run here in Node. */
function expectedProse(name: string, variant: Variant): string[] {
  const trace = runScenario(getBuiltinScenario(name), { variant }).trace;
  return groupSteps(toJSONValue(trace) as JsonEvent[]).map((i) => {
    const e = trace[i];
    if (e === undefined) throw new Error('step outside the trace');
    return stepperProse(e);
  });
}

async function open(hash = ''): Promise<{ page: Page; problems: string[] }> {
  const watched = await openPage(browser());
  await watched.page.goto(`${baseURL()}/playground/${hash}`);
  return watched;
}

async function mountedPlayground(page: Page): Promise<void> {
  await page.locator(`${PG} .rf-pg-builtin`).focus();
  await page.waitForSelector(`${PG}[data-mounted="true"]`);
}

const statusText = (page: Page): Promise<string> =>
  page
    .locator(`${PG} .rf-pg-status`)
    .textContent()
    .then((t) => t ?? '');

async function waitIdle(page: Page): Promise<void> {
  await page.waitForFunction(
    (sel) => document.querySelector<HTMLElement>(sel)?.dataset['running'] === 'false',
    PG,
  );
}

const EDITOR = `${PG} .rf-pg-cm`;
const CONTENT = `${EDITOR} .cm-content`;

/** The scenario schema, read as the editor reads it (for the descriptions it must show). */
const SCHEMA = JSON.parse(readFileSync('packages/model/scenario.schema.json', 'utf8')) as {
  $defs: Record<string, { oneOf?: { properties?: Record<string, { description?: string }> }[] }>;
  properties: Record<string, { description?: string; enum?: string[] }>;
};

/** Focus the textarea and wait for CodeMirror to take its place (with the focus). */
async function openEditor(page: Page): Promise<void> {
  await page.locator(`${PG} textarea`).focus();
  await page.waitForSelector(`${PG}[data-editor="codemirror"]`);
  await page.locator(CONTENT).waitFor();
}

/** Replace the editor's text (opening the editor first), typed as one text input. */
async function setScenario(page: Page, text: string): Promise<void> {
  if ((await page.locator(CONTENT).count()) === 0) await openEditor(page);
  await page.locator(CONTENT).focus();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(text);
}

/** The editor's text as drawn (CodeMirror draws only lines near the view: short texts only). */
const editorText = async (page: Page): Promise<string> =>
  (await page.locator(`${EDITOR} .cm-line`).allTextContents()).join('\n');

/** The message the model's parser gives for `text`. */
function parserMessage(text: string): string {
  try {
    parseScenarioJson(text);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error('the scenario is valid');
}

/** The first built-in scenario with a step `step` that has `field`, with that field changed. */
function withStepField(step: number, field: string, value: unknown): string {
  const found = BUILTIN_SCENARIOS.find((d) => {
    const steps = (d as { steps?: Record<string, unknown>[] }).steps;
    return steps?.[step] !== undefined && field in steps[step];
  });
  if (found === undefined) throw new Error(`no built-in scenario has a step ${String(step)} with ${field}`);
  const doc = structuredClone(found) as { steps: Record<string, unknown>[] };
  (doc.steps[step] as Record<string, unknown>)[field] = value;
  return JSON.stringify(doc, null, 2);
}

/** F8 to the first problem, then Ctrl+Shift+Space: the text of the help box there. */
async function problemFromKeyboard(page: Page): Promise<string> {
  await page.locator(CONTENT).focus();
  await page.keyboard.press('ControlOrMeta+Home');
  await page.keyboard.press('F8');
  await page.keyboard.press('Control+Shift+Space');
  return (await page.locator(`${EDITOR} .rf-cm-field .rf-cm-problem`).allTextContents()).join('\n');
}

/** Put the cursor `back` characters before the end of the editor's text. */
async function cursorFromEnd(page: Page, back: number): Promise<void> {
  await page.keyboard.press('ControlOrMeta+End');
  for (let i = 0; i < back; i++) await page.keyboard.press('ArrowLeft');
}

/** The labels of the completion list now open. */
const completionLabels = (page: Page): Promise<string[]> =>
  page.locator(`${EDITOR} .cm-tooltip-autocomplete li .cm-completionLabel`).allTextContents();

describe('Playground', () => {
  it('runs a built-in scenario from the menu and steps through the trace the model gives', async () => {
    const name = 'thp-unaligned';
    const variant: Variant = 'post-v14-review';
    const want = expectedProse(name, variant);
    const { page, problems } = await open();
    await mountedPlayground(page);
    await page.locator(`${PG} .rf-pg-builtin`).selectOption(name);
    const raw = BUILTIN_SCENARIOS.find((s) => s['name'] === name);
    expect(JSON.parse(await page.locator(`${PG} textarea`).inputValue())).toEqual(raw);
    await page.locator(`${PG} .rf-pg-variant`).selectOption(variant);
    await page.locator(`${PG} .rf-pg-run`).focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${STEPPER}[data-mounted="true"]`);
    await waitIdle(page);
    expect(await statusText(page)).toContain(`Ran ${name} under ${variant}`);
    await page.locator(`${STEPPER} button[data-act="next"]`).focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < want.length; i++) {
      await expect(page.locator(`${STEPPER} .rf-stepper-status`).textContent()).resolves.toBe(
        `Step ${String(i + 1)} of ${String(want.length)}`,
      );
      await expect(page.locator(`${STEPPER} .rf-stepper-prose`).textContent()).resolves.toBe(want[i]);
      await page.keyboard.press('ArrowRight');
    }
    // The path taken is marked on the overview, and the RTT tree shows the 2 MiB block mapped.
    await expect(
      page.locator(`${STEPPER} .node.rf-taken[data-fn="realm_map_non_secure"]`).count(),
    ).resolves.toBe(1);
    await expect(page.locator(`${STEPPER} .rf-rtt-tree [data-level="2"]`).count()).resolves.toBeGreaterThan(
      0,
    );
    expect(problems).toEqual([]);
  });

  it('shows an invalid edit inline with the field path and runs nothing', async () => {
    const { page, problems } = await open();
    await mountedPlayground(page);
    const text = withStepField(0, 'ipa', 'not an address');
    const message = parserMessage(text);
    expect(message).toMatch(/^steps\[0\]\.ipa: expected /);
    await setScenario(page, text);
    await page.locator(`${PG} .rf-pg-run`).click();
    await waitIdle(page);
    await expect(page.locator(`${PG} .rf-pg-error`).textContent()).resolves.toBe(message);
    await expect(page.locator(`${PG} .rf-pg-error`).isVisible()).resolves.toBe(true);
    await expect(page.locator(CONTENT).getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await statusText(page)).toMatch(/^Not run/);
    await expect(page.locator(`${STEPPER}[data-mounted="true"]`).count()).resolves.toBe(0);
    // Editing clears the error.
    await page.locator(CONTENT).focus();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type(' ');
    await expect(page.locator(CONTENT).getAttribute('aria-invalid')).resolves.toBeNull();
    await expect(page.locator(`${PG} .rf-pg-error`).isVisible()).resolves.toBe(false);
    expect(problems).toEqual([]);
  });

  it('keeps the textarea, and its error wiring, when the run comes before the editor', async () => {
    const { page, problems } = await open();
    await mountedPlayground(page);
    // Set the textarea's text without focusing it: the editor is not loaded.
    await page.locator(`${PG} textarea`).evaluate((t: HTMLTextAreaElement) => {
      t.value = '{"name": 1}';
    });
    await page.locator(`${PG} .rf-pg-run`).click();
    await waitIdle(page);
    await expect(page.locator(`${PG} .rf-pg-error`).textContent()).resolves.toBe(
      parserMessage('{"name": 1}'),
    );
    await expect(page.locator(`${PG} textarea`).getAttribute('aria-invalid')).resolves.toBe('true');
    const describedBy = (await page.locator(`${PG} textarea`).getAttribute('aria-describedby')) ?? '';
    const errorId = (await page.locator(`${PG} .rf-pg-error`).getAttribute('id')) ?? '-';
    expect(describedBy.split(' ')).toContain(errorId);
    await expect(page.locator(EDITOR).count()).resolves.toBe(0);
    expect(problems).toEqual([]);
  });

  it('stops a run past the work budget or the time limit with a message, and stays usable', async () => {
    const { page, problems } = await open();
    await mountedPlayground(page);
    const budget = Number(await page.locator(PG).getAttribute('data-budget'));
    expect(budget).toBeGreaterThan(0);
    // Writes to fresh pages until the budget runs out: each first touch maps a page, and a stride
    // of 2 MiB makes every one also create the RTTs below its own level-2 entry.
    const base = BUILTIN_SCENARIOS[0] ?? {};
    const steps = Array.from({ length: 1000 }, (_, i) => ({
      guest: 'write',
      ipa: `0x${(0x40000000 + i * 0x200000).toString(16)}`,
      value: '0x1',
      size: 8,
      isv: false,
    }));
    const long = JSON.stringify({ ...base, name: 'many-first-touches', steps });
    expect(() => runScenario(parseScenarioJson(long), { budget })).toThrow(/step budget exceeded/);
    await setScenario(page, long);
    // The default time limit must fit the page's own budget run: the check is that the budget,
    // not the clock, stops it; a loaded test machine gets more time here only.
    expect(Number(await page.locator(PG).getAttribute('data-time-limit-ms'))).toBe(2000);
    await page.locator(PG).evaluate((el: HTMLElement) => {
      el.dataset['timeLimitMs'] = '30000';
    });
    await page.locator(`${PG} .rf-pg-run`).click();
    await waitIdle(page);
    expect(await statusText(page)).toContain(`work budget of ${String(budget)} units`);
    // The time limit: lower it so the same kind of run cannot finish in time.
    await page.locator(PG).evaluate((el: HTMLElement) => {
      el.dataset['timeLimitMs'] = '5';
    });
    await page.locator(`${PG} .rf-pg-run`).click();
    await waitIdle(page);
    expect(await statusText(page)).toMatch(
      /^Stopped: the run took longer than 0.005 s, so its worker was terminated/,
    );
    // The page still answers, and a fresh worker runs the next scenario.
    await expect(page.evaluate(() => 1 + 1)).resolves.toBe(2);
    await page.locator(PG).evaluate((el: HTMLElement) => {
      el.dataset['timeLimitMs'] = '2000';
    });
    await page.locator(`${PG} .rf-pg-builtin`).selectOption('private-first-touch');
    await page.locator(`${PG} .rf-pg-run`).click();
    await waitIdle(page);
    expect(await statusText(page)).toContain('Ran private-first-touch');
    expect(problems).toEqual([]);
  });

  it.each(['light', 'dark'] as const)(
    'has no axe violation after a run, an invalid edit and with the completion list open (%s theme)',
    async (scheme) => {
      const { page, problems } = await openPage(browser(), scheme);
      await page.addInitScript((t) => {
        localStorage.setItem('starlight-theme', t);
      }, scheme);
      await page.goto(`${baseURL()}/playground/`);
      await mountedPlayground(page);
      await page.locator(`${PG} .rf-pg-run`).click();
      await page.waitForSelector(`${STEPPER}[data-mounted="true"]`);
      await waitIdle(page);
      await setScenario(page, '{"name": 1}');
      await page.locator(`${PG} .rf-pg-run`).click();
      await waitIdle(page);
      await expect(page.locator(`${PG} .rf-pg-error`).isVisible()).resolves.toBe(true);
      // The editor's own parts are checked too: its diagnostic, and the completion list open.
      await page.locator(`${EDITOR} .cm-lintRange-error`).waitFor();
      await page.locator(CONTENT).focus();
      await cursorFromEnd(page, 1);
      await page.keyboard.type(', ');
      await page.keyboard.press('Control+Space');
      await page.locator(`${EDITOR} .cm-tooltip-autocomplete`).waitFor();
      const { violations } = await new AxeBuilder({ page })
        .include(PG)
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
        .analyze();
      expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
        [],
      );
      expect(problems).toEqual([]);
    },
    120_000,
  );

  it('keeps the scenario and variant in the URL hash and restores them', async () => {
    const name = 'mmio-valid-syndrome';
    const want = expectedProse(name, 'post-v14-review');
    const first = await open();
    await mountedPlayground(first.page);
    await first.page.locator(`${PG} .rf-pg-builtin`).selectOption(name);
    await first.page.locator(`${PG} .rf-pg-variant`).selectOption('post-v14-review');
    const text = await first.page.locator(`${PG} textarea`).inputValue();
    await first.page.locator(`${PG} .rf-pg-run`).click();
    await waitIdle(first.page);
    await first.page.waitForFunction(() => /[#&]s=/.test(location.hash));
    const url = first.page.url();
    expect(url).toMatch(/#v=post-v14-review&s=[\w-]+$/);
    const second = await open(new URL(url).hash);
    await second.page.waitForSelector(`${STEPPER}[data-mounted="true"]`);
    await expect(second.page.locator(`${PG} textarea`).inputValue()).resolves.toBe(text);
    await expect(second.page.locator(`${PG} .rf-pg-variant`).inputValue()).resolves.toBe('post-v14-review');
    await expect(second.page.locator(`${STEPPER} .rf-stepper-status`).textContent()).resolves.toBe(
      `Step 1 of ${String(want.length)}`,
    );
    expect([...first.problems, ...second.problems]).toEqual([]);
  });

  it('loads a link made before the rename, #v=fixed, as post-v14-review and runs it', async () => {
    const name = 'thp-unaligned';
    const raw = BUILTIN_SCENARIOS.find((s) => s['name'] === name);
    const json = JSON.stringify(raw, null, 2);
    const hash = (await encodeLink({ json, variant: 'post-v14-review' })).replace(
      '#v=post-v14-review&',
      '#v=fixed&',
    );
    expect(hash).toMatch(/^#v=fixed&s=/);
    const want = expectedProse(name, 'post-v14-review');
    const { page, problems } = await open(hash);
    await page.waitForSelector(`${STEPPER}[data-mounted="true"]`);
    await expect(page.locator(`${PG} .rf-pg-variant`).inputValue()).resolves.toBe('post-v14-review');
    expect(await statusText(page)).toContain(`Ran ${name} under post-v14-review`);
    await expect(page.locator(`${STEPPER} .rf-stepper-status`).textContent()).resolves.toBe(
      `Step 1 of ${String(want.length)}`,
    );
    expect(problems).toEqual([]);
  });

  it('loads the editor on the first focus of the textarea, not before, with the same text', async () => {
    const { page, problems } = await open();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const first = BUILTIN_SCENARIOS[0];
    // Before any script: the page's own textarea holds the first built-in scenario.
    expect(JSON.parse(await page.locator(`${PG} textarea`).inputValue())).toEqual(first);
    await mountedPlayground(page);
    // The client is there (focus on the menu), the editor is not.
    await page.waitForTimeout(300);
    expect(requests.filter((u) => u.includes('scenario-editor'))).toEqual([]);
    await expect(page.locator(EDITOR).count()).resolves.toBe(0);
    const before = await page.locator(`${PG} textarea`).inputValue();
    await openEditor(page);
    expect(requests.filter((u) => u.includes('scenario-editor')).length).toBe(1);
    await expect(page.locator(`${PG} textarea`).isVisible()).resolves.toBe(false);
    await expect(editorText(page)).resolves.toBe(before);
    // The focus moved into the editor, which is labelled like the textarea it replaced.
    await expect(
      page.locator(CONTENT).evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el),
    ).resolves.toBe(true);
    await expect(page.locator(CONTENT).getAttribute('aria-label')).resolves.toMatch(/^Scenario \(JSON\)/);
    await expect(page.locator(CONTENT).getAttribute('role')).resolves.toBe('textbox');
    // Tab is not trapped: Shift+Tab goes back to Run, Tab returns to the editor.
    await page.keyboard.press('Shift+Tab');
    await expect(
      page.locator(`${PG} .rf-pg-run`).evaluate((b) => document.activeElement === b),
    ).resolves.toBe(true);
    await page.keyboard.press('Tab');
    await expect(
      page.locator(CONTENT).evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el),
    ).resolves.toBe(true);
    expect(problems).toEqual([]);
  });

  it('completes field names from the schema at a nested path, and enum values', async () => {
    const { page, problems } = await open();
    await mountedPlayground(page);
    const doc = {
      name: 'completion',
      memslots: [{ gpa: '0x40000000', size: '0x1000', hva: '0x7f0000000000', backing: '' }],
      steps: [{ guest: 'write' }],
    };
    const text = JSON.stringify(doc, null, 2);
    await setScenario(page, text);
    // Values: the memslot's backing, inside memslots[0].
    const backingTail = text.slice(text.indexOf('"backing": "') + '"backing": "'.length);
    await cursorFromEnd(page, backingTail.length);
    await page.keyboard.press('Control+Space');
    await page.locator(`${EDITOR} .cm-tooltip-autocomplete`).waitFor();
    const memslot = SCHEMA.$defs['memslot'] as unknown as {
      properties: { backing: { enum: string[] } };
    };
    const backings = memslot.properties.backing.enum;
    const shown = await completionLabels(page);
    expect([...shown].sort()).toEqual(backings.map((v) => JSON.stringify(v)).sort());
    // Choosing one replaces the whole string, quotes included. (The list takes keys once it has
    // been shown for CodeMirror's interactionDelay, 75 ms.)
    await page.waitForTimeout(150);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(editorText(page)).resolves.toContain(`"backing": ${shown[1] ?? '-'}\n`);
    // Names: the cursor inside the step object, after `"guest": "write"`; a quote starts a name.
    const tail = text.slice(text.indexOf('"write"') + '"write"'.length);
    await cursorFromEnd(page, tail.length);
    await page.keyboard.type(', "');
    await page.locator(`${EDITOR} .cm-tooltip-autocomplete`).waitFor();
    const labels = await completionLabels(page);
    // A guest write's fields, without the one it has; required ones first.
    const writeStep = SCHEMA.$defs['step']?.oneOf?.find(
      (b) => (b.properties?.['guest'] as { const?: string } | undefined)?.const === 'write',
    );
    const want = Object.keys(writeStep?.properties ?? {}).filter((k) => k !== 'guest');
    expect(want.length).toBeGreaterThan(3);
    expect([...labels].sort()).toEqual(want.map((k) => JSON.stringify(k)).sort());
    expect(labels.slice(0, 2)).toEqual(['"ipa"', '"value"']);
    // The selected one's description, from the schema.
    await expect(page.locator(`${EDITOR} .cm-completionInfo`).textContent()).resolves.toContain(
      writeStep?.properties?.['ipa']?.description ?? '-',
    );
    await page.waitForTimeout(150);
    await page.keyboard.press('Enter');
    await expect(editorText(page)).resolves.toContain('"guest": "write", "ipa": \n');
    expect(problems).toEqual([]);
  });

  it('shows a field’s schema description and type on hover', async () => {
    const { page, problems } = await open();
    await mountedPlayground(page);
    await openEditor(page);
    const text = JSON.stringify(
      { name: 'hover', variant: 'v14', memslots: [], steps: [{ guest: 'read', ipa: '0x0', isv: false }] },
      null,
      2,
    );
    await setScenario(page, text);
    await page.locator(`${EDITOR} .cm-line span`, { hasText: /^"isv"$/ }).hover();
    const tip = page.locator(`${EDITOR} .cm-tooltip-hover .rf-cm-field`);
    await tip.waitFor();
    const readStep = SCHEMA.$defs['step']?.oneOf?.find(
      (b) => (b.properties?.['guest'] as { const?: string } | undefined)?.const === 'read',
    );
    const description = readStep?.properties?.['isv']?.description ?? '-';
    expect(description.length).toBeGreaterThan(10);
    await expect(tip.textContent()).resolves.toContain('steps[0].isv: boolean');
    await expect(tip.textContent()).resolves.toContain(description);
    // A top-level field, from the keyboard (Ctrl+Shift+Space on its name).
    await page.mouse.move(0, 0);
    await page.locator(CONTENT).focus();
    await page.keyboard.press('ControlOrMeta+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Control+Shift+Space');
    const variant = SCHEMA.properties['variant'];
    await expect(page.locator(`${EDITOR} .rf-cm-field`).textContent()).resolves.toContain(
      variant?.description ?? '-',
    );
    await expect(page.locator(`${EDITOR} .rf-cm-field`).textContent()).resolves.toContain(
      (variant?.enum ?? []).map((v) => JSON.stringify(v)).join(' | '),
    );
    expect(problems).toEqual([]);
  });

  it('marks a bad value where it is, with the parser’s message naming the field', async () => {
    const { page, problems } = await open();
    await mountedPlayground(page);
    const text = withStepField(2, 'ipa', 'nowhere');
    const message = parserMessage(text);
    expect(message).toMatch(/^steps\[2\]\.ipa: expected /);
    await setScenario(page, text);
    const mark = page.locator(`${EDITOR} .cm-lintRange-error`);
    await mark.waitFor();
    // The underlined text is the value of steps[2].ipa, and only that.
    await expect(mark.allTextContents()).resolves.toEqual(['"nowhere"']);
    expect(text.split('"nowhere"').length).toBe(2);
    // The message: on hovering the mark, and from the keyboard, with the field's description.
    await mark.hover();
    await expect(page.locator(`${EDITOR} .cm-tooltip-lint`).textContent()).resolves.toBe(message);
    await page.mouse.move(0, 0);
    await expect(problemFromKeyboard(page)).resolves.toBe(message);
    await expect(page.locator(`${EDITOR} .rf-cm-field code`).textContent()).resolves.toBe('steps[2].ipa');
    // A missing required field is marked on the object that lacks it.
    const missing = JSON.stringify({ name: 'x', memslots: [], steps: [{ guest: 'read' }] }, null, 2);
    await setScenario(page, missing);
    expect(parserMessage(missing)).toMatch(/^steps\[0\]\.ipa: expected a value \(this field is required\)/);
    await page.waitForFunction(
      (sel) =>
        document.querySelector(sel)?.shadowRoot?.querySelector('.cm-lintRange-error')?.textContent === '{',
      `${PG} .rf-pg-cm`,
    );
    // Fixed: the diagnostic goes.
    await setScenario(page, withStepField(2, 'ipa', '0x40000000'));
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.shadowRoot?.querySelector('.cm-lintRange-error') === null,
      `${PG} .rf-pg-cm`,
    );
    expect(problems).toEqual([]);
  });

  it('marks a JSON syntax error at the offending character', async () => {
    const { page, problems } = await open();
    await mountedPlayground(page);
    const text = '{\n  "name": "broken",\n  "memslots": [] oops,\n  "steps": []\n}';
    const message = parserMessage(text);
    const m = /at line (\d+), column (\d+)$/.exec(message);
    if (m === null) throw new Error(`no position in ${message}`);
    const line = text.split('\n')[Number(m[1]) - 1] ?? '';
    const char = line[Number(m[2]) - 1];
    expect(char).toBe('o');
    await setScenario(page, text);
    const mark = page.locator(`${EDITOR} .cm-lintRange-error`);
    await mark.waitFor();
    await expect(mark.allTextContents()).resolves.toEqual([char]);
    // On the line the parser names.
    const lineOfMark = await mark.evaluate((el) => el.closest('.cm-line')?.textContent ?? '');
    expect(lineOfMark).toBe(line);
    await expect(problemFromKeyboard(page)).resolves.toBe(message);
    expect(problems).toEqual([]);
  });

  it('runs what the editor holds and links to it', async () => {
    const { page, problems } = await open();
    await mountedPlayground(page);
    const name = 'thp-unaligned';
    const raw = structuredClone(BUILTIN_SCENARIOS.find((s) => s['name'] === name)) as {
      name: string;
      steps: Record<string, unknown>[];
    };
    // An edit the model notices: the first step repeated at the end, and another name.
    raw.name = 'edited-in-the-editor';
    raw.steps.push({ ...(raw.steps[0] ?? {}) });
    const text = JSON.stringify(raw, null, 2);
    const scenario = parseScenarioJson(text);
    const run = runScenario(scenario);
    const steps = groupSteps(toJSONValue(run.trace) as JsonEvent[]);
    await setScenario(page, text);
    await page.locator(`${PG} .rf-pg-run`).click();
    await page.waitForSelector(`${STEPPER}[data-mounted="true"]`);
    await waitIdle(page);
    expect(await statusText(page)).toContain(`Ran edited-in-the-editor under ${run.variant}`);
    expect(await statusText(page)).toContain(
      `${String(run.trace.length)} trace events in ${String(steps.length)} steps.`,
    );
    await expect(page.locator(`${STEPPER} .rf-stepper-status`).textContent()).resolves.toBe(
      `Step 1 of ${String(steps.length)}`,
    );
    // The link holds the edited text.
    await page.waitForFunction(() => /[#&]s=/.test(location.hash));
    const link = await decodeLink(new URL(page.url()).hash);
    expect(link?.json).toBe(text);
    expect(problems).toEqual([]);
  });
});

describe('Wide layout', () => {
  const WIDE = [
    'playground/',
    'playground/fault-explorer/',
    'playground/interleavings/',
    'playground/replay/',
  ];

  /** The content column's width and whether the page has a table of contents, at 1280 × 800. */
  async function layout(path: string): Promise<{ width: number; toc: number }> {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}/${path}`);
    const width = await page
      .locator('main .sl-container')
      .first()
      .evaluate((el) => el.getBoundingClientRect().width);
    const toc = await page.locator('.right-sidebar-container').count();
    expect(problems).toEqual([]);
    await page.context().close();
    return { width, toc };
  }

  it('gives the playground pages the width a default page leaves to its table of contents', async () => {
    const normal = await layout('start-here/');
    expect(normal.toc).toBe(1);
    for (const path of WIDE) {
      const wide = await layout(path);
      expect(wide.toc, path).toBe(0);
      // Starlight's column is 45rem (720 px); the sidebar leaves about 930 px here.
      expect(wide.width, path).toBeGreaterThan(normal.width + 150);
    }
  });
});
