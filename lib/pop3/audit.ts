// The session's syslog lines in UW ipop3d's formats (fail2ban's uwimap-auth
// filter and administrators match them). Kept together so they can move to
// the shared lib/log/lines.ts unchanged.
import { log } from '../log/syslog';

export type LoginMethod = 'Login' | 'Auth' | 'APOP';

export function logLogin(method: LoginMethod, user: string, host: string, visible: number, total: number): void {
  log('info', `${method} user=${user} host=${host} nmsgs=${visible}/${total}`);
}

/** UW's auth= is the authentication identity; without a user name only the mechanism is known. */
export function logLoginFailed(user: string | undefined, mechanism: string, host: string): void {
  if (user === undefined) log('notice', `AUTHENTICATE ${mechanism} failure host=${host}`, 'auth');
  else log('notice', `Login failed user=${user} auth=${user} host=${host}`, 'auth');
}

export function logMailboxError(user: string, host: string, reason: string): void {
  log('info', `Error opening or locking INBOX user=${user} host=${host}: ${reason}`);
}

export function logUpdate(user: string, host: string, remaining: number, deleted: number): void {
  log('info', `Update user=${user} host=${host} nmsgs=${remaining} ndele=${deleted}`);
}

export function logLogout(user: string | undefined, host: string): void {
  log('info', `Logout user=${user ?? '???'} host=${host}`);
}

export function logAutologout(user: string | undefined, host: string): void {
  log('info', `Autologout user=${user ?? '???'} host=${host}`);
}

export function logHangup(user: string | undefined, host: string): void {
  log('info', `Command stream end of file while reading line user=${user ?? '???'} host=${host}`);
}
