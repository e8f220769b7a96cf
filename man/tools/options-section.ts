// The OPTIONS section of imapd.cf(5), generated from lib/config/options.ts so
// that the page lists exactly the settings the servers understand, with the
// real defaults. `npx tsx man/tools/generate.ts` rewrites the page.
import type { OptionKind, OptionSpec } from '../../lib/config/options';
import { literal, prose } from './roff';

export const BEGIN_MARK = '.\\" BEGIN GENERATED OPTIONS (man/tools/generate.ts)';
export const END_MARK = '.\\" END GENERATED OPTIONS';

const KIND_WORDS: Readonly<Record<OptionKind, string>> = {
  string: 'text',
  path: 'path',
  boolean: 'yes|no',
  seconds: 'seconds',
  bytes: 'bytes',
  list: 'list',
};

/** The generated lines, one `.TP` entry per option in table order. */
export function renderOptionsSection(
  options: Readonly<Record<string, OptionSpec>>,
  examples: Readonly<Record<string, string | undefined>>,
): string {
  const entries = Object.entries(options).map(([name, spec]) => {
    const example = examples[name];
    if (example === undefined) throw new Error(`option ${name} has no example in man/tools/option-examples.ts`);
    return [
      '.TP',
      `.BI "${literal(name)} " ${KIND_WORDS[spec.kind]}`,
      prose(spec.summary),
      '.br',
      `Default: ${describeDefault(spec)}`,
      '.br',
      'Example:',
      `.B "set ${literal(name)} ${literal(example)}"`,
    ].join('\n');
  });
  return [BEGIN_MARK, ...entries, END_MARK].join('\n');
}

function describeDefault(spec: OptionSpec): string {
  if (spec.default === '') return 'empty.';
  const value = `\\fB${literal(spec.default)}\\fR`;
  const gloss = spec.kind === 'seconds' ? durationGloss(Number(spec.default)) : spec.kind === 'bytes' ? sizeGloss(Number(spec.default)) : '';
  return `${value}${gloss}.`;
}

function durationGloss(seconds: number): string {
  if (seconds >= 60 && seconds % 60 === 0) {
    const minutes = seconds / 60;
    return ` (${minutes} minute${minutes === 1 ? '' : 's'})`;
  }
  return '';
}

function sizeGloss(bytes: number): string {
  const MIB = 1024 * 1024;
  if (bytes >= MIB && bytes % MIB === 0) return ` (${bytes / MIB} MiB)`;
  if (bytes >= 1024 && bytes % 1024 === 0) return ` (${bytes / 1024} KiB)`;
  return '';
}

/** Replaces the text between the markers of `page` with `generated` (markers included). */
export function spliceGenerated(page: string, generated: string): string {
  const begin = page.indexOf(BEGIN_MARK);
  const end = page.indexOf(END_MARK);
  if (begin < 0 || end < begin) throw new Error('the page has no generated-options markers');
  return page.slice(0, begin) + generated + page.slice(end + END_MARK.length);
}
