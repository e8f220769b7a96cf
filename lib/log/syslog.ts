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

interface DatagramSocket {
  send(buffer: Buffer, offset: number, length: number, path: string, callback?: (error?: Error) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  close(): void;
}

let ident = 'imapd';
let socketPath = '/dev/log';
let socket: DatagramSocket | null | undefined;

export function configureLog(options: { ident?: string; socketPath?: string }): void {
  if (options.ident !== undefined) ident = options.ident;
  if (options.socketPath !== undefined) socketPath = options.socketPath;
}

export function log(severity: Severity, message: string, facility: Facility = 'mail'): void {
  const sender = openSocket();
  if (!sender) return;
  const pri = FACILITY[facility] * 8 + SEVERITY[severity];
  const clean = message.replace(/[\x00-\x1f\x7f]/g, ' ');
  const line = Buffer.from(`<${pri}>${timestamp(new Date())} ${ident}[${process.pid}]: ${clean}`);
  try {
    sender.send(line, 0, line.length, socketPath, () => undefined);
  } catch {
    // No listener on the socket: the line is lost, as with syslog(3).
  }
}

/** Closes the syslog socket (it holds the event loop open); the next log() reopens it. */
export function closeLog(): void {
  socket?.close();
  socket = undefined;
}

function openSocket(): DatagramSocket | null {
  if (socket !== undefined) return socket;
  try {
    const load = createRequire(__filename);
    const unix = load('unix-dgram') as { createSocket(type: 'unix_dgram'): DatagramSocket };
    socket = unix.createSocket('unix_dgram');
    socket.on('error', () => undefined);
  } catch {
    socket = null;
  }
  return socket;
}

function timestamp(date: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, ' ');
  return `${MONTHS[date.getMonth()]} ${day} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
