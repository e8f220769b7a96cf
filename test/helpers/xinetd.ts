// A real xinetd (Debian package) for tests, with the FreeBSD guide's four
// services (imap4, imaps, pop3, pop3s) on free loopback ports. Runs in the
// foreground (-dontfork) with its own configuration and log files in a
// temporary directory; stop() ends it. Needs root, as inetd does: the
// daemons start as root and drop to the user at login.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
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

export class Xinetd {
  private constructor(
    private readonly child: ChildProcess,
    private readonly ports: ReadonlyMap<string, number>,
    readonly logPath: string,
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
    writeFileSync(configPath, [
      'defaults',
      '{',
      `  log_type = FILE ${join(directory, 'services.log')}`,
      '  instances = UNLIMITED',
      '  per_source = UNLIMITED',
      '  cps = 1000 1',
      '}',
      ...blocks,
      '',
    ].join('\n'));
    const child = spawn(XINETD, ['-dontfork', '-f', configPath, '-pidfile', join(directory, 'xinetd.pid'), '-filelog', logPath], { stdio: 'ignore' });
    const xinetd = new Xinetd(child, ports, logPath);
    await xinetd.waitUntilWorking();
    return xinetd;
  }

  port(service: string): number {
    const port = this.ports.get(service);
    if (port === undefined) throw new Error(`no xinetd service ${service}`);
    return port;
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
