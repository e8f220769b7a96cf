// tcp_wrappers files: readable, and free of lines libwrap would skip or
// rules that cannot work (lib/net/hostsaccess's linter).
import { readFileSync } from 'node:fs';
import type { Config } from '../../config/config';
import { accessTableProblems } from '../../net/hostsaccess';
import { error, ok, warning, type Finding } from './finding';

const SUBJECT = 'tcp_wrappers';

export function checkHostsFiles(config: Config): Finding[] {
  return [config.string('hosts-allow'), config.string('hosts-deny')].flatMap((path): Finding[] => {
    let text: string;
    try {
      text = readFileSync(path, 'latin1');
    } catch (cause) {
      const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
      if (missing) return [ok(SUBJECT, `${path} not present (no rules)`)];
      return [error(SUBJECT, `${path}: cannot read (${(cause as Error).message})${path === config.string('hosts-deny') ? ': every client is refused' : ''}`)];
    }
    const problems = accessTableProblems(text, path);
    if (problems.length === 0) return [ok(SUBJECT, `${path}: syntax ok`)];
    return problems.map((problem) => warning(SUBJECT, problem));
  });
}
