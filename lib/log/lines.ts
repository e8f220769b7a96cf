// UW's syslog lines. They are an interface: fail2ban's uwimap-auth filter
// matches `Login failed user=\S* auth=\S* host=.*\[<HOST>\]` and admins grep
// for the rest, so the words, their order and the `host=name [ip]` form are
// kept exactly. Each function returns the line with the severity and
// facility UW used; writeLine() sends it.
import type { Endpoint } from '../net/connection';
import { log, type Facility, type Severity } from './syslog';

export interface LogLine {
  readonly severity: Severity;
  readonly facility: Facility;
  readonly message: string;
}

/** The client as UW's tcp_clienthost() printed it. */
export interface ClientHost {
  readonly address: string;
  /** Verified host name, when one was looked up. */
  readonly name?: string;
}

export function writeLine(line: LogLine): void {
  log(line.severity, line.message, line.facility);
}

/** `name [ip]`, `[ip]` without a name, `UNKNOWN` over pipes. */
export function hostText(host: ClientHost | Endpoint | undefined): string {
  if (!host) return 'UNKNOWN';
  const name = 'name' in host && host.name ? `${clip(host.name, 64)} ` : '';
  return `${name}[${host.address}]`;
}

/**
 * UW printed names with %.80s. We also turn blanks into underscores: a user
 * name with a space would otherwise end `user=\S*` early and slip past
 * fail2ban.
 */
function field(value: string, width = 80): string {
  return clip(value, width).replace(/\s/g, '_');
}

function clip(value: string, width: number): string {
  return value.length > width ? value.slice(0, width) : value;
}

const info = (message: string): LogLine => ({ severity: 'info', facility: 'mail', message });

export function loginLine(user: string, host: string): LogLine {
  return info(`Login user=${field(user)} host=${host}`);
}

export function authenticatedLine(user: string, host: string, mechanism: string): LogLine {
  return info(`Authenticated user=${field(user)} host=${host} mech=${field(mechanism)}`);
}

export function preauthenticatedLine(user: string, host: string): LogLine {
  return info(`Preauthenticated user=${field(user)} host=${host}`);
}

/** Why a login failed, in UW's words. */
export type LoginFailure = 'failed' | 'excessive login failures' | 'disabled' | 'SYSTEM BREAK-IN ATTEMPT';

/** Goes to facility auth, where fail2ban's uwimap-auth jail reads it. */
export function loginFailedLine(user: string, authUser: string | undefined, host: string, failure: LoginFailure = 'failed'): LogLine {
  const auth = authUser && authUser !== '' ? authUser : user;
  return {
    severity: failure === 'SYSTEM BREAK-IN ATTEMPT' ? 'err' : 'notice',
    facility: 'auth',
    message: `Login ${failure} user=${field(user, 64)} auth=${field(auth, 64)} host=${host}`,
  };
}

/** A SASL exchange that did not end in a login (POP3 AUTH). */
export function authenticateFailureLine(mechanism: string, host: string): LogLine {
  return { severity: 'notice', facility: 'auth', message: `AUTHENTICATE ${field(mechanism)} failure host=${host}` };
}

/**
 * The end of a session. `reason` is UW's word for it: Logout, Autologout,
 * Hangup, Killed, "Killed (lost mailbox lock)", or an I/O description such
 * as "Unexpected client disconnect, while reading line".
 */
export function sessionEndLine(reason: string, user: string | undefined, host: string): LogLine {
  return info(`${reason} user=${user === undefined ? '???' : field(user)} host=${host}`);
}

export function logoutLine(user: string | undefined, host: string): LogLine {
  return sessionEndLine('Logout', user, host);
}

export function autologoutLine(user: string | undefined, host: string): LogLine {
  return sessionEndLine('Autologout', user, host);
}

export function lostLockLine(user: string | undefined, host: string): LogLine {
  return sessionEndLine('Killed (lost mailbox lock)', user, host);
}

/** POP3 login; `how` is Login (USER/PASS), APOP or Auth (SASL). */
export function pop3LoginLine(how: 'Login' | 'APOP' | 'Auth', user: string, host: string, counts: { visible: number; total: number } | undefined): LogLine {
  const tail = counts ? `nmsgs=${counts.visible}/${counts.total}` : 'no mailbox';
  return info(`${how} user=${field(user)} host=${host} ${tail}`);
}

/** POP3 QUIT that committed deletions and seen marks. */
export function pop3UpdateLine(user: string, host: string, nmsgs: number, ndele: number, nseen: number): LogLine {
  return info(`Update user=${field(user)} host=${host} nmsgs=${nmsgs} ndele=${ndele} nseen=${nseen}`);
}

export function inboxOpenErrorLine(user: string, host: string): LogLine {
  return info(`Error opening or locking INBOX user=${field(user)} host=${host}`);
}

/** tcp_wrappers' own wording for a client that hosts.allow/deny refused. */
export function refusedConnectLine(client: string): LogLine {
  return { severity: 'warning', facility: 'mail', message: `refused connect from ${client}` };
}
