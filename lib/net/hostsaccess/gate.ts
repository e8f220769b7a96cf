// The door a server process passes before its greeting: a client that
// hosts.allow/hosts.deny refuses gets one line in its protocol's words, the
// refusal is logged in tcp_wrappers' words, and the connection closes.
import type { Config } from '../../config/config';
import { refusedConnectLine, writeLine } from '../../log/lines';
import type { Facility, Severity } from '../../log/syslog';
import type { Connection } from '../connection';
import { checkHostsAccess, knownHostName } from './check';
import type { AccessVerdict } from './verdict';

const REFUSAL: Record<string, string> = {
  imapd: '* BYE Access denied',
  ipop3d: '-ERR Access denied',
  ipop2d: '- Access denied',
};

export interface Admission {
  readonly program: string;
  readonly config: Config;
  readonly connection: Connection;
}

/** Resolves true when the client may proceed; otherwise closes the connection. */
export async function admitClient({ program, config, connection }: Admission): Promise<boolean> {
  const verdict = await checkHostsAccess(program, connection.peer, config, { local: connection.local });
  if (verdict.allowed) return true;
  const address = connection.peer?.address ?? 'unknown';
  const line = refusedConnectLine((await knownHostName(address)) ?? address);
  writeLine({ ...line, ...severityOverride(verdict) });
  connection.write(`${REFUSAL[program] ?? REFUSAL.imapd}\r\n`);
  await connection.end();
  return false;
}

/** A rule's `severity [facility.]level` option, where our syslog can express it. */
function severityOverride(verdict: AccessVerdict): { severity?: Severity; facility?: Facility } {
  if (!verdict.severity) return {};
  const [first = '', second] = verdict.severity.split('.');
  const level = second ?? first;
  const facility = second === undefined ? undefined : first;
  const override: { severity?: Severity; facility?: Facility } = {};
  if (['err', 'warning', 'notice', 'info', 'debug'].includes(level)) override.severity = level as Severity;
  if (facility === 'mail' || facility === 'auth' || facility === 'authpriv') override.facility = facility;
  return override;
}
