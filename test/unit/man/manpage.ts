// Reading our man(7) pages in tests: the list of pages, a section's source
// lines, the flags named in tagged paragraphs, and the page as rendered text.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from '../../helpers/paths';

export const MAN_DIR = resolve(ROOT, 'man');
export const MANDOC = '/usr/bin/mandoc';

/** Page file names in man/ ("imapd.8", "imapd.cf.5"), sorted. */
export function pageNames(): string[] {
  return readdirSync(MAN_DIR).filter((name) => /\.[0-9]$/.test(name)).sort();
}

export function pageSource(name: string): string {
  return readFileSync(resolve(MAN_DIR, name), 'utf8');
}

/** Source lines of section `title` (after its .SH line, up to the next .SH). */
export function sectionLines(source: string, title: string): string[] {
  const lines = source.split('\n');
  const start = lines.findIndex((line) => line === `.SH ${title}` || line === `.SH "${title}"`);
  if (start < 0) return [];
  const end = lines.findIndex((line, index) => index > start && line.startsWith('.SH '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

export function sectionTitles(source: string): string[] {
  return source.split('\n').filter((line) => line.startsWith('.SH ')).map((line) => line.slice(4).replace(/^"(.*)"$/, '$1'));
}

/** The tag line of every .TP paragraph in `lines`. */
export function tagLines(lines: readonly string[]): string[] {
  return lines.flatMap((line, index) => (line === '.TP' && lines[index + 1] !== undefined ? [lines[index + 1] as string] : []));
}

/** Roff source to plain text, roughly: font escapes and macro names dropped, \- made -. */
export function plainText(roff: string): string {
  return roff
    .replace(/^\.[A-Z]{1,2}\s?/gm, '')
    .replace(/\\f[BIRP]/g, '')
    .replace(/\\-/g, '-')
    .replace(/"/g, '');
}

/** Command-line flags (-c, --config) written in `text`. */
export function flagsIn(text: string): string[] {
  return [...text.matchAll(/(?:^|[\s,[|])(--?[A-Za-z][\w-]*)/g)].map((match) => match[1] as string);
}

/** The flags documented in a page's OPTIONS section (its .TP tags). */
export function documentedFlags(source: string): string[] {
  return unique(tagLines(sectionLines(source, 'OPTIONS')).flatMap((tag) => flagsIn(plainText(tag))));
}

/** The flags shown in a page's SYNOPSIS. */
export function synopsisFlags(source: string): string[] {
  return unique(flagsIn(plainText(sectionLines(source, 'SYNOPSIS').join('\n'))));
}

/** The options listed by commander's --help output, each as its flags (["-c", "--config"]). */
export function helpOptions(help: string): string[][] {
  const lines = help.split('\n');
  const start = lines.findIndex((line) => /^Options:\s*$/.test(line));
  if (start < 0) return [];
  return lines
    .slice(start + 1)
    .filter((line) => /^ {1,4}-/.test(line))
    .map((line) => flagsIn(line.trim().split(/\s{2,}/)[0] ?? ''));
}

/** The page rendered by mandoc as plain text (overstrike removed). */
export function renderedText(name: string): string {
  const result = spawnSync(MANDOC, ['-T', 'ascii', resolve(MAN_DIR, name)], { encoding: 'utf8' });
  return result.stdout.replace(/.\x08/g, '');
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)].sort();
}
