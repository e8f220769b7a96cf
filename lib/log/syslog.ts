// Syslog over the local datagram socket (/dev/log), RFC 3164 framing, as UW
// logged. Lines are an interface: fail2ban and administrators match them, so
// callers use the UW formats in ./lines. When there is no socket the line is
// dropped: under inetd there is nowhere else it may go (fd 2 is the client).
import { createRequire } from 'node:module';

export type Severity = 'err' | 'warning' | 'notice' | 'info' | 'debug';
export type Facility = 'mail' | 'auth' | 'authpriv';

const SEVERITY: Record<Severity, number> = { err: 3, warning: 4, notice: 5, info: 6, debug: 7 };
const FACILITY: Record<Facility, number> = { mail: 2, auth: 4, authpriv: 10 };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The unix-dgram addon, loaded without its JS wrapper: the wrapper and the
 * `bindings` search it does cost several times what the addon itself does,
 * and every connection pays that at start-up.
 */
interface DatagramAddon {
  readonly AF_UNIX: number;
  readonly SOCK_DGRAM: number;
  /** A non-blocking socket; its descriptor, or -errno. */
  socket(domain: number, type: number, protocol: number, onMessage: () => void, onWritable: () => void): number;
  sendto(fd: number, buffer: Buffer, offset: number, length: number, path: string): number;
  close(fd: number): number;
}

/** Where node-gyp builds the addon (the place unix-dgram's own `bindings` call finds it). */
const ADDON = 'unix-dgram/build/Release/unix_dgram.node';

let ident = 'imapd';
let socketPath = '/dev/log';
let addon: DatagramAddon | undefined;
/** The open socket's descriptor; undefined before the first line, null when there can be none. */
let socket: number | null | undefined;

export function configureLog(options: { ident?: string; socketPath?: string }): void {
  if (options.ident !== undefined) ident = options.ident;
  if (options.socketPath !== undefined) socketPath = options.socketPath;
}

export function log(severity: Severity, message: string, facility: Facility = 'mail'): void {
  const fd = openSocket();
  if (fd === null || !addon) return;
  const pri = FACILITY[facility] * 8 + SEVERITY[severity];
  const clean = message.replace(/[\x00-\x1f\x7f]/g, ' ');
  const line = Buffer.from(`<${pri}>${timestamp(new Date())} ${ident}[${process.pid}]: ${clean}`);
  // A failure (no listener, a full queue) loses the line, as with syslog(3).
  addon.sendto(fd, line, 0, line.length, socketPath);
}

/** Closes the syslog socket (it holds the event loop open); the next log() reopens it. */
export function closeLog(): void {
  if (typeof socket === 'number') addon?.close(socket);
  socket = undefined;
}

function openSocket(): number | null {
  if (socket !== undefined) return socket;
  try {
    addon ??= createRequire(__filename)(ADDON) as DatagramAddon;
    const fd = addon.socket(addon.AF_UNIX, addon.SOCK_DGRAM, 0, ignore, ignore);
    socket = fd >= 0 ? fd : null;
  } catch {
    socket = null;
  }
  return socket;
}

function ignore(): void {}

function timestamp(date: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, ' ');
  return `${MONTHS[date.getMonth()]} ${day} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
