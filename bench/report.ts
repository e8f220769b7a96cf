// Figures, their floors and goals; the printed table and results.json.
import { writeFileSync } from 'node:fs';
import type { Summary } from './stats';

export interface Goal {
  /** As printed, e.g. "≤ 3× floor". */
  readonly text: string;
  /** The largest passing value for a given floor median. */
  readonly limit: (floor: number) => number;
}

export function ratioGoal(times: number): Goal {
  return { text: `≤ ${times}× floor`, limit: (floor) => floor * times };
}

export interface Figure {
  readonly id: string;
  readonly title: string;
  readonly unit: 'seconds' | 'bytes';
  /** Undefined when the scenario could not run (see note). */
  readonly value: Summary | undefined;
  readonly floor: { readonly name: string; readonly summary: Summary } | undefined;
  readonly goal: Goal;
  readonly note?: string;
  /** Peak resident memory of the server process over the scenario's runs. */
  readonly peakRss?: number;
}

export interface Verdict {
  readonly ratio: number | undefined;
  readonly pass: boolean | undefined;
}

export function verdict(figure: Figure): Verdict {
  if (!figure.value || !figure.floor) return { ratio: undefined, pass: undefined };
  const floor = figure.floor.summary.median;
  return { ratio: figure.value.median / floor, pass: figure.value.median <= figure.goal.limit(floor) };
}

function amount(value: number, unit: Figure['unit']): string {
  if (unit === 'bytes') return `${(value / 2 ** 20).toFixed(1)} MiB`;
  if (value < 1) return `${(value * 1000).toFixed(value < 0.1 ? 1 : 0)} ms`;
  return `${value.toFixed(2)} s`;
}

export function formatTable(figures: readonly Figure[]): string {
  const header = ['scenario', 'median', 'spread', 'floor', 'ratio', 'goal', 'result', 'peak RSS'];
  const rows = figures.map((figure) => {
    const { ratio, pass } = verdict(figure);
    return [
      figure.title,
      figure.value ? amount(figure.value.median, figure.unit) : 'n/a',
      figure.value ? `${(figure.value.spread * 100).toFixed(0)}%` : '',
      figure.floor ? `${amount(figure.floor.summary.median, figure.unit)} ${figure.floor.name}` : '',
      ratio === undefined ? '' : `${ratio.toFixed(2)}×`,
      figure.goal.text,
      pass === undefined ? 'n/a' : pass ? 'PASS' : 'FAIL',
      figure.peakRss === undefined ? '' : amount(figure.peakRss, 'bytes'),
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const notes = figures.filter((figure) => figure.note).map((figure) => `  ${figure.title}: ${figure.note}`);
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line), ...(notes.length > 0 ? ['', 'notes:', ...notes] : [])].join('\n');
}

export function writeResults(path: string, context: Record<string, unknown>, figures: readonly Figure[]): void {
  const results = {
    ...context,
    figures: figures.map((figure) => {
      const { ratio, pass } = verdict(figure);
      return {
        id: figure.id,
        title: figure.title,
        unit: figure.unit,
        median: figure.value?.median,
        min: figure.value?.min,
        max: figure.value?.max,
        spread: figure.value?.spread,
        samples: figure.value?.samples,
        floor: figure.floor && { name: figure.floor.name, median: figure.floor.summary.median, samples: figure.floor.summary.samples },
        ratio,
        goal: figure.goal.text,
        limit: figure.floor ? figure.goal.limit(figure.floor.summary.median) : undefined,
        pass,
        peakRss: figure.peakRss,
        note: figure.note,
      };
    }),
  };
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}
