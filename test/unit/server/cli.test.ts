import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { closeLog } from '../../../lib/log/syslog';
import { DEFAULT_COMMAND_LINE, parseCommandLine } from '../../../lib/server/cli';

after(closeLog);

describe('command line', () => {
  it('runs with defaults when there are no arguments', () => {
    assert.deepEqual(parseCommandLine('imapd', []), { kind: 'run', commandLine: DEFAULT_COMMAND_LINE });
  });
  it('reads --config, repeated --set, --tls and --check', () => {
    assert.deepEqual(parseCommandLine('ipop3d', ['-c', '/etc/x.cf', '-s', 'a=1', '--set', 'b=2', '--tls', '--check']), {
      kind: 'run',
      commandLine: { configPath: '/etc/x.cf', overrides: ['a=1', 'b=2'], implicitTls: true, check: true },
    });
  });
  it('ends with status 1 on unknown options and stray arguments', () => {
    assert.deepEqual(parseCommandLine('imapd', ['--no-such-option']), { kind: 'exit', status: 1 });
    assert.deepEqual(parseCommandLine('imapd', ['stray']), { kind: 'exit', status: 1 });
  });
});
