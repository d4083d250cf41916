/**
 * The playground's client (src/components/Playground.astro), imported on first interaction or
 * when the URL carries a scenario. It never loads the model itself: the scenario is validated and
 * run in a module worker (src/playground/worker.ts) with a work budget, and the worker is
 * terminated (and replaced) when a run passes the wall-clock limit. The trace then feeds the
 * stepper (mountStepper) with its state pane, RTT tree included.
 *
 * The editing area starts as the page's plain textarea. When the reader first focuses or touches
 * it, the CodeMirror editor (./scenario-editor.ts, a standalone module) is loaded and takes its
 * place, with the same text and selection; its diagnostics come from the model's parser in a
 * second worker of the same kind, so that checking as the reader types never waits for, or
 * stops, a run. Until then, and if it fails to load, the textarea keeps working.
 */
import { mountStepper, type StepperHandle } from '../stepper/client';
import { groupSteps, locateEvents, usedSlices } from '../stepper/locate';
import type { SourceIndex, StepperData } from '../stepper/types';
import { decodeLink, encodeLink } from './permalink';
import type { CheckReply, RunReply, RunRequest, WorkerReply, WorkerRequest } from './protocol';
import type { ScenarioEditor } from './scenario-editor';
import { loadModule, provideModule } from '../lazy-module';
import { elementFinder } from '../widgets/dom';
import { WorkerChannel, WorkerStopped } from '../widgets/worker-rpc';

interface PageData {
  /** Built-in scenarios by name, as JSON text. */
  readonly builtins: Readonly<Record<string, string>>;
  readonly index: SourceIndex;
}

export interface PlaygroundHandle {
  run(): void;
}

const el = elementFinder('playground');

/** The standalone bundles the client starts, imported as `?worker&url` by the page's loader script. */
export interface PlaygroundUrls {
  /** The model worker (./worker.ts). */
  readonly worker: string;
  /** The CodeMirror editor (./scenario-editor.ts), a lazy module (src/lazy-module.ts). */
  readonly editor: string;
}

/**
 * Mount the playground in `root`. The URLs of its worker and editor come from the page's loader
 * script: bundling them from this module, itself a `?worker&url` bundle, would nest their builds
 * inside its own.
 */
export function mountPlayground(root: HTMLElement, urls: PlaygroundUrls): PlaygroundHandle {
  const data = JSON.parse(el(root, 'script.rf-playground-data', HTMLScriptElement).text) as PageData;
  // Read at each run: the page's data-budget and data-time-limit-ms are the knobs.
  const budgetNow = (): number => Number(root.dataset['budget']);
  const timeLimitNow = (): number => Number(root.dataset['timeLimitMs']);
  const textarea = el(root, 'textarea', HTMLTextAreaElement);
  const label = el(root, '.rf-pg-label', HTMLLabelElement);
  const builtin = el(root, 'select.rf-pg-builtin', HTMLSelectElement);
  const variant = el(root, 'select.rf-pg-variant', HTMLSelectElement);
  const error = el(root, '.rf-pg-error', HTMLElement);
  const status = el(root, '.rf-pg-status', HTMLElement);
  const stepperRoot = el(root, '[data-rf-stepper="shell"]', HTMLElement);
  const empty = el(root, '.rf-pg-empty', HTMLElement);

  // The model's worker, kept between runs; the time limit counts from the moment it has loaded.
  const startWorker = (): Worker =>
    new Worker(urls.worker, { type: 'module', name: 'realmfault-playground' });
  const channel = new WorkerChannel<WorkerRequest, WorkerReply>(startWorker, { limitMs: timeLimitNow() });
  // The editor's checks: the same worker code, another instance, started by the first check.
  const checker = new WorkerChannel<WorkerRequest, WorkerReply>(startWorker, { limitMs: 2000 });
  const check = (json: string): Promise<CheckReply | null> =>
    checker.request({ kind: 'check', json }).then(
      (r) => r as CheckReply,
      () => null,
    );

  // The editing surface: the textarea, until the CodeMirror editor replaces it.
  let editor: ScenarioEditor | null = null;
  let editorLoading: Promise<ScenarioEditor | null> | null = null;
  const getText = (): string => (editor ? editor.getValue() : textarea.value);
  const setText = (text: string): void => {
    if (editor) editor.setValue(text);
    else textarea.value = text;
  };
  let seq = 0;
  let stepper: StepperHandle | null = null;
  let link = '';

  const setError = (message: string | null): void => {
    error.textContent = message ?? '';
    error.hidden = message === null;
    if (message === null) textarea.removeAttribute('aria-invalid');
    else textarea.setAttribute('aria-invalid', 'true');
    editor?.setInvalid(message !== null);
  };

  /** Load CodeMirror and put it in the textarea's place (once); null when it could not load. */
  const upgrade = (): Promise<ScenarioEditor | null> =>
    (editorLoading ??= loadModule<typeof import('./scenario-editor')>(urls.editor, 'scenario-editor').then(
      ({ createScenarioEditor }) => {
        const host = document.createElement('div');
        host.className = 'rf-pg-cm';
        const focused = document.activeElement === textarea;
        const created = createScenarioEditor(host, {
          label:
            'Scenario (JSON). Ctrl+Space lists the fields and values that fit here; Tab leaves the editor.',
          doc: textarea.value,
          selection: { anchor: textarea.selectionStart, head: textarea.selectionEnd },
          check,
          onChange: () => {
            if (textarea.getAttribute('aria-invalid') === 'true') setError(null);
          },
        });
        textarea.after(host);
        textarea.hidden = true;
        // The label now names the editor (its aria-label: the shadow root hides the id), and a
        // click on it focuses the editor.
        label.removeAttribute('for');
        label.addEventListener('click', () => {
          created.focus();
        });
        editor = created;
        created.setInvalid(textarea.getAttribute('aria-invalid') === 'true');
        root.dataset['editor'] = 'codemirror';
        if (focused) created.focus();
        return created;
      },
      (e: unknown) => {
        status.textContent = `The editor could not be loaded (${e instanceof Error ? e.message : String(e)}); the plain text box still works.`;
        return null;
      },
    ));

  const onReply = (reply: RunReply): void => {
    if (!reply.ok) {
      if (reply.kind === 'invalid') {
        setError(reply.message);
        status.textContent = 'Not run: the scenario is not valid (the message is under the editor).';
      } else if (reply.kind === 'budget') {
        status.textContent = `Stopped: the run used up the simulator's work budget of ${String(budgetNow())} units (function calls and RMI commands). Shorten the scenario, or run it with the CLI.`;
      } else {
        status.textContent = `The simulator stopped with an error: ${reply.message}`;
      }
      return;
    }
    const steps = groupSteps(reply.events);
    const loc = locateEvents(reply.events, data.index);
    const stepperData: StepperData = {
      scenario: reply.name,
      variant: reply.variant,
      events: reply.events,
      prose: reply.prose,
      steps,
      loc,
      sources: usedSlices(loc, data.index),
    };
    // The path taken, marked on the overview as the build-time diagrams mark it.
    const taken = new Set(
      reply.events.flatMap((e) =>
        e.type === 'fn_enter' ? [String(e['fn'])] : e.type === 'rmi_call' ? [String(e['cmd'])] : [],
      ),
    );
    // data-ref: a call tree's second mention of a function (src/diagrams/call-tree.ts).
    for (const node of stepperRoot.querySelectorAll<SVGGElement>('.node[data-fn], .node[data-ref]')) {
      node.classList.toggle('rf-taken', taken.has(node.dataset['fn'] ?? node.dataset['ref'] ?? ''));
    }
    stepper?.destroy();
    empty.hidden = true;
    stepper = mountStepper(stepperRoot, stepperData, { linkFor: () => link || location.href });
    const warn = reply.violations.length > 0 ? ` Invariant violations: ${reply.violations.join('; ')}.` : '';
    status.textContent =
      `Ran ${reply.name} under ${reply.variant}, ${reply.variantLabel}: ${String(reply.events.length)} trace events in ${String(steps.length)} steps. ` +
      `Outcomes: ${reply.outcomes.join(', ')}.${warn}`;
  };

  const onStopped = (e: unknown, timeLimit: number): void => {
    if (!(e instanceof WorkerStopped)) {
      status.textContent = `The simulator stopped with an error: ${e instanceof Error ? e.message : String(e)}`;
    } else if (e.reason === 'timeout') {
      status.textContent = `Stopped: the run took longer than ${String(timeLimit / 1000)} s, so its worker was terminated. The page is unaffected; shorten the scenario, or run it with the CLI.`;
    } else {
      status.textContent = `The simulator failed to start or crashed: ${e.message}.`;
    }
  };

  const run = (): void => {
    setError(null);
    // A run still in flight is abandoned with its worker; an idle worker is reused.
    if (channel.busy) channel.stop();
    seq += 1;
    const id = seq;
    const timeLimit = timeLimitNow();
    const req: RunRequest = {
      kind: 'run',
      json: getText(),
      variant: variant.value || null,
      budget: budgetNow(),
    };
    root.dataset['running'] = 'true';
    status.textContent = 'Running…';
    channel.request(req, timeLimit).then(
      (reply) => {
        if (id !== seq) return;
        root.dataset['running'] = 'false';
        onReply(reply as RunReply);
      },
      (e: unknown) => {
        if (id !== seq) return; // abandoned for a newer run
        root.dataset['running'] = 'false';
        onStopped(e, timeLimit);
      },
    );
    void encodeLink({ json: req.json, variant: variant.value || null }).then((hash) => {
      const u = new URL(location.href);
      u.hash = hash;
      link = u.href;
      history.replaceState(history.state, '', link);
    });
  };

  const onClick = (ev: MouseEvent): void => {
    const b = (ev.target as Element | null)?.closest('button');
    if (b?.classList.contains('rf-pg-run')) run();
  };
  root.addEventListener('click', onClick);
  builtin.addEventListener('change', () => {
    const json = data.builtins[builtin.value];
    if (json === undefined) return;
    setText(json);
    setError(null);
    status.textContent = `Loaded the built-in scenario ${builtin.value} into the editor. Press Run to simulate it.`;
  });
  textarea.addEventListener('input', () => {
    if (textarea.getAttribute('aria-invalid') === 'true') setError(null);
  });
  // The editor loads on the first focus or touch of the textarea (or at once if it has focus).
  textarea.addEventListener('focus', () => void upgrade(), { once: true });
  textarea.addEventListener('pointerdown', () => void upgrade(), { once: true });
  if (document.activeElement === textarea) void upgrade();

  // A built-in chosen before this module arrived.
  const early = data.builtins[builtin.value];
  if (early !== undefined && textarea.value !== early) {
    textarea.value = early;
    status.textContent = `Loaded the built-in scenario ${builtin.value} into the editor. Press Run to simulate it.`;
  }
  // Start loading the model now (first interaction), so the first Run does not wait for it.
  channel.warm();
  const handle: PlaygroundHandle = { run };
  if (/(^#|&)s=/.test(location.hash)) {
    decodeLink(location.hash).then(
      (l) => {
        if (l === null) return;
        setText(l.json);
        variant.value = l.variant ?? '';
        // A variant the menu does not offer (a damaged link) runs as the scenario says.
        if (variant.value !== (l.variant ?? '')) variant.value = '';
        status.textContent = 'Loaded the scenario from the link.';
        run();
      },
      (e: unknown) => {
        status.textContent = e instanceof Error ? e.message : String(e);
      },
    );
  }
  root.dataset['mounted'] = 'true';
  return handle;
}

// Loaded as a standalone module (src/lazy-module.ts): hand the API to loadModule().
provideModule('playground-client', { mountPlayground });
