// Test mail homes and clients for the real ipop3d/ipop2d: a throw-away
// spool, home, password file and certificate (MailHome), mail "delivered"
// the way an MDA appends it to the spool file, and a small POP3 client over
// the scripted client.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { SuperServer } from '../../../lib/inetd/superserver';
import { ScriptClient } from '../../helpers/client';
import { startInetd } from '../../helpers/inetd';
import { MailHome } from '../imap/mail-home';

export const USER = 'popper';
export const PASSWORD = 'pop secret 1';
export const PASSWORDS = { [USER]: PASSWORD, other: 'other-password' };

/** Messages as a sender wrote them (LF line ends), none with a body line starting "From ". */
export const MESSAGES: readonly string[] = [
  'From: Alice <alice@example.org>\nTo: popper@example.org\nSubject: first\nMessage-ID: <1@example.org>\n\nHello.\n',
  'From: Bob <bob@example.org>\nTo: popper@example.org\nSubject: dots\n\n.\n.. two dots\n.leading dot\nend\n',
  'From: Carol <carol@example.org>\nSubject: =?UTF-8?B?w6lsw6h2ZQ==?=\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nÉlève, café, naïve\nline 2\nline 3\nline 4\n',
  'From: Dave <dave@example.org>\nSubject: multipart\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nbody\n--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nAAECAwQFBgcICQ==\n--b--\n',
];

/** What a message looks like served: CRLF line ends. */
export function served(message: string): Buffer {
  return Buffer.from(message.replace(/\n/g, '\r\n'), 'utf8');
}

export class PopHome extends MailHome {
  constructor(settings: Readonly<Record<string, string>> = {}) {
    super(settings, { passwords: PASSWORDS, certificate: true });
  }

  get spoolFile(): string {
    return this.inboxOf(USER);
  }

  /** Appends messages to the user's spool file with From_ lines, as an MDA does. */
  deliver(...messages: readonly string[]): void {
    const path = this.spoolFile;
    const created = !existsSync(path);
    for (const message of messages) appendFileSync(path, `From sender@example.org Mon Jan  1 10:00:00 2024\n${message}\n`);
    if (created) this.own(path);
  }

  spoolText(): string {
    return existsSync(this.spoolFile) ? readFileSync(this.spoolFile, 'utf8') : '';
  }

  writeSpool(text: string): void {
    writeFileSync(this.spoolFile, text);
    this.own(this.spoolFile);
  }
}

export async function startPop(home: MailHome, program = 'ipop3d', args: readonly string[] = []): Promise<SuperServer> {
  return startInetd(program, { env: home.env, args });
}

export class PopClient {
  greeting = '';

  constructor(readonly script: ScriptClient) {}

  static async connect(server: SuperServer): Promise<PopClient> {
    const client = new PopClient(await ScriptClient.connect(server.port));
    client.greeting = (await client.script.line()) ?? '';
    return client;
  }

  /** Implicit TLS from the first byte (pop3s). */
  static async connectTls(server: SuperServer): Promise<PopClient> {
    const secure = tlsConnect({ port: server.port, host: '127.0.0.1', rejectUnauthorized: false, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    const client = new PopClient(new ScriptClient(secure, secure));
    client.greeting = (await client.script.line()) ?? '';
    return client;
  }

  async ask(line: string): Promise<string> {
    this.script.send(line);
    return (await this.script.line()) ?? '<closed>';
  }

  /** A multi-line answer: status line, then the lines (unstuffed, decoded as UTF-8) without the final dot. */
  async multi(line: string): Promise<string[]> {
    this.script.send(line);
    const status = (await this.script.line()) ?? '<closed>';
    if (!status.startsWith('+OK')) return [status];
    const lines = [status];
    for (;;) {
      const next = await this.script.line();
      if (next === undefined) throw new Error(`closed during ${line}`);
      if (next === '.') return lines;
      const text = Buffer.from(next, 'latin1').toString('utf8');
      lines.push(text.startsWith('.') ? text.slice(1) : text);
    }
  }

  /** RETR: the announced size, the raw bytes before the terminator, and them unstuffed. */
  async retr(number: number): Promise<{ status: string; announced: number; wire: Buffer; message: Buffer }> {
    this.script.send(`RETR ${number}`);
    const status = (await this.script.line()) ?? '<closed>';
    const match = /^\+OK (\d+) octets$/.exec(status);
    if (!match) return { status, announced: -1, wire: Buffer.alloc(0), message: Buffer.alloc(0) };
    const announced = Number(match[1]);
    const wire = await this.script.bytes(announced);
    const terminator = await this.script.line();
    if (terminator !== '.') throw new Error(`RETR ${number}: expected the dot line after ${announced} octets, got ${terminator}`);
    const message = Buffer.from(wire.toString('latin1').replace(/(^|\r\n)\./g, '$1'), 'latin1');
    return { status, announced, wire, message };
  }

  async startTls(): Promise<void> {
    const secure = tlsConnect({ socket: this.script.socket as Socket, rejectUnauthorized: false, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.script.replaceTransport(secure, secure);
  }

  async login(user = USER, password = PASSWORD): Promise<string> {
    await this.ask(`USER ${user}`);
    return this.ask(`PASS ${password}`);
  }

  async quit(): Promise<string> {
    const answer = await this.ask('QUIT');
    await this.script.closedByServer();
    return answer;
  }

  close(): void {
    this.script.close();
  }
}

export function apopDigest(greeting: string, password: string): string {
  const timestamp = /<[^>]+>/.exec(greeting)?.[0] ?? '';
  return createHash('md5').update(timestamp + password).digest('hex');
}

/** Runs `body` with a fresh home and server, cleaning up afterwards. */
export async function withPop(
  settings: Readonly<Record<string, string>>,
  body: (server: SuperServer, home: PopHome) => Promise<void>,
  program = 'ipop3d',
  args: readonly string[] = [],
): Promise<void> {
  const home = new PopHome(settings);
  const server = await startPop(home, program, args);
  try {
    await body(server, home);
  } finally {
    await server.close();
    home.remove();
  }
}

/** Lets the loopback client send plaintext passwords (the administrator's choice). */
export const LOOPBACK_PLAINTEXT = { 'plaintext-hosts': '127.0.0.1' };
