/**
 * Build-time accounting for bench/build-time.mjs. The bench's config sets
 * `globalThis.__realmfaultBuildStats` before Astro builds; every diagram render
 * (src/plugins/mermaid/render.ts renderDiagram: Markdown fences and the diagrams components draw
 * from the model's traces) and every snippet run (src/plugins/sim) then adds its wall time here.
 * Without the bench, the global is absent and this costs one property read per call.
 */
export interface BuildStats {
  diagramMs: number;
  diagrams: number;
  snippetMs: number;
  snippets: number;
}

export const BUILD_STATS_GLOBAL = '__realmfaultBuildStats';

/** Run `fn`, adding its wall time to the bench's totals for `kind` when the bench is listening. */
export function timedForBench<T>(kind: 'diagram' | 'snippet', fn: () => T): T {
  const stats = (globalThis as Record<string, unknown>)[BUILD_STATS_GLOBAL] as BuildStats | undefined;
  if (!stats) return fn();
  const t = performance.now();
  try {
    return fn();
  } finally {
    const ms = performance.now() - t;
    if (kind === 'diagram') {
      stats.diagramMs += ms;
      stats.diagrams += 1;
    } else {
      stats.snippetMs += ms;
      stats.snippets += 1;
    }
  }
}
