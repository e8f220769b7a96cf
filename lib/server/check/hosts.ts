// tcp_wrappers files: readable, and whether they name this daemon.
// TODO(hosts-access): replace with the lib/net/hostsaccess parser's syntax check once it lands.
import { readFileSync } from 'node:fs';
import type { Config } from '../../config/config';
import { error, ok, type Finding } from './finding';

export function checkHostsFiles(program: string, config: Config): Finding[] {
  return [config.string('hosts-allow'), config.string('hosts-deny')].map((path) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (cause) {
      const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
      return missing ? ok('tcp_wrappers', `${path} not present (no rules)`) : error('tcp_wrappers', `${path}: cannot read (${(cause as Error).message})`);
    }
    const daemons = text.split('\n').map((line) => line.replace(/#.*/, '').split(':')[0] ?? '').join(',');
    const named = new RegExp(`(^|[\\s,])(${program}|ALL)([\\s,]|$)`).test(daemons);
    return ok('tcp_wrappers', `${path}: ${named ? 'has rules' : 'no rule'} for ${program}`);
  });
}
