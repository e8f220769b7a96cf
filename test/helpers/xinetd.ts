// A real xinetd (Debian package) for tests, with the FreeBSD guide's four
// services (imap4, imaps, pop3, pop3s) on free loopback ports. Runs in the
// foreground (-dontfork) with its own configuration and log files in a
// temporary directory; stop() ends it. Needs root, as inetd does: the
// daemons start as root and drop to the user at login.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { installPem } from '../../lib/cert/install';
import { makeSelfSignedPem } from '../../lib/cert/self-signed';
import { binPath } from './paths';

export const XINETD = '/usr/sbin/xinetd';

export interface XinetdService {
  /** The service name of the guide's inetd.conf (imap4, imaps, pop3, pop3s). */
  readonly name: string;
  readonly program: 'imapd' | 'ipop3d' | 'ipop2d';
  readonly args?: readonly string[];
}

/** inetd.conf of the guide: plain and implicit-TLS ports for both daemons. */
export const GUIDE_SERVICES: readonly XinetdService[] = [
  { name: 'imap4', program: 'imapd' },
  { name: 'imaps', program: 'imapd', args: ['--tls'] },
  { name: 'pop3', program: 'ipop3d' },
  { name: 'pop3s', program: 'ipop3d', args: ['--tls'] },
];

/** The files of the guide's deployment, in a test's directory. */
export interface GuideArea {
  /** The spool directory (mode 1777, as Debian's /var/mail is group mail). */
  readonly spool: string;
  /** The imapd.cf the daemons read (pass it as IMAPD_CONFIG). */
  readonly configPath: string;
  /** Rewrites the test's hosts.allow and hosts.deny. */
  writeWrappers(allow: string, deny: string): void;
}

export const ALLOW_DAEMONS = 'imapd : ALL : allow\nipop3d : ALL : allow\n';

/**
 * Spool, certificate for "localhost", tcp_wrappers files (the daemons
 * allowed, everything else denied) and an imapd.cf pointing at them and at
 * `syslogSocket`. `settings` adds to or overrides the defaults here.
 */
export function prepareGuideArea(directory: string, syslogSocket: string, settings: Readonly<Record<string, string>> = {}): GuideArea {
  chmodSync(directory, 0o755);
  const spool = join(directory, 'spool');
  mkdirSync(spool, { mode: 0o1777 });
  chmodSync(spool, 0o1777);
  installPem(join(directory, 'certs'), makeSelfSignedPem({ cn: 'localhost', days: 30 }), true);
  const writeWrappers = (allow: string, deny: string): void => {
    writeFileSync(join(directory, 'hosts.allow'), allow);
    writeFileSync(join(directory, 'hosts.deny'), deny);
  };
  writeWrappers(ALLOW_DAEMONS, 'ALL : ALL\n');
  const all: Record<string, string> = {
    'spool-directory': spool,
    'cert-directory': join(directory, 'certs'),
    'key-directory': join(directory, 'certs'),
    'hosts-allow': join(directory, 'hosts.allow'),
    'hosts-deny': join(directory, 'hosts.deny'),
    'syslog-socket': syslogSocket,
    'password-file': join(directory, 'no-password-file'),
    'login-failure-delay': '1',
    ...settings,
  };
  const configPath = join(directory, 'imapd.cf');
  writeFileSync(configPath, Object.entries(all).map(([name, value]) => `set ${name} ${value}\n`).join(''));
  return { spool, configPath, writeWrappers };
}

export class Xinetd {
  private constructor(
    private readonly child: ChildProcess,
    private readonly ports: ReadonlyMap<string, number>,
    /** xinetd's own log (-filelog): start-up, and problems with the configuration. */
    readonly logPath: string,
    /** The services' log (log_type): a START/EXIT line per connection, FAIL when xinetd refuses one. */
    readonly serviceLogPath: string,
  ) {}

  /**
   * Starts xinetd with `services`, each daemon getting `env` (IMAPD_CONFIG
   * and the like). Resolves once xinetd reports that it is working.
   */
  static async start(directory: string, services: readonly XinetdService[], env: Readonly<Record<string, string>>): Promise<Xinetd> {
    const ports = new Map<string, number>();
    for (const service of services) ports.set(service.name, await freePort());
    const environment = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env };
    const blocks = services.map((service) => [
      `service ${service.name}`,
      '{',
      '  type = UNLISTED',
      `  id = ${service.name}-test`,
      '  socket_type = stream',
      '  protocol = tcp',
      '  wait = no',
      '  user = root',
      `  server = ${binPath(service.program)}`,
      ...(service.args && service.args.length > 0 ? [`  server_args = ${service.args.join(' ')}`] : []),
      `  port = ${ports.get(service.name)}`,
      '  bind = 127.0.0.1',
      // The daemons apply tcp_wrappers themselves, with the test's files.
      '  flags = NOLIBWRAP',
      `  env = ${Object.entries(environment).map(([name, value]) => `${name}=${value}`).join(' ')}`,
      '}',
    ].join('\n'));
    const configPath = join(directory, 'xinetd.conf');
    const logPath = join(directory, 'xinetd.log');
    const serviceLogPath = join(directory, 'services.log');
    writeFileSync(configPath, [
      'defaults',
      '{',
      `  log_type = FILE ${serviceLogPath}`,
      '  log_on_success = PID EXIT DURATION',
      '  log_on_failure = HOST ATTEMPT',
      // Room for the load test's bursts from one address: xinetd's default
      // cps (50 a second, then the service is off for 10 s) would disable a
      // service mid-run; instances and per_source are spelled out so that no
      // packaged defaults can cap them.
      '  instances = UNLIMITED',
      '  per_source = UNLIMITED',
      '  cps = 1000 1',
      '}',
      ...blocks,
      '',
    ].join('\n'));
    const child = spawn(XINETD, ['-dontfork', '-f', configPath, '-pidfile', join(directory, 'xinetd.pid'), '-filelog', logPath], { stdio: 'ignore' });
    const xinetd = new Xinetd(child, ports, logPath, serviceLogPath);
    await xinetd.waitUntilWorking();
    return xinetd;
  }

  port(service: string): number {
    const port = this.ports.get(service);
    if (port === undefined) throw new Error(`no xinetd service ${service}`);
    return port;
  }

  /** The services' log lines where xinetd refused or failed a connection. */
  failures(): string[] {
    if (!existsSync(this.serviceLogPath)) return [];
    return readFileSync(this.serviceLogPath, 'utf8').split('\n').filter((line) => /\bFAIL\b/.test(line));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
  }

  private async waitUntilWorking(): Promise<void> {
    const deadline = Date.now() + 15000;
    for (;;) {
      const log = existsSync(this.logPath) ? readFileSync(this.logPath, 'utf8') : '';
      if (/Started working/.test(log)) return;
      if (this.child.exitCode !== null || Date.now() > deadline) throw new Error(`xinetd did not start:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function freePort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
