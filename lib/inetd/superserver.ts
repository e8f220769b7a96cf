// A minimal inetd: listens on a TCP port and, for each connection, spawns a
// server program with the accepted socket as its fd 0, 1 and 2 ("nowait"
// services). The demo launcher and the integration tests both use it, so
// the executables always run exactly as inetd would run them.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';

export interface ServiceSpec {
  /** Executable to run per connection (a bin/ script). */
  readonly program: string;
  readonly args?: readonly string[];
  /** argv[0] as inetd passes it (the last field of inetd.conf). */
  readonly argv0?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
}

export class SuperServer {
  readonly children = new Set<ChildProcess>();
  private readonly exits: Array<Promise<number | null>> = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly spec: ServiceSpec,
  ) {
    server.on('connection', (socket: Socket) => this.serve(socket));
  }

  static listen(spec: ServiceSpec): Promise<SuperServer> {
    const server = createServer({ pauseOnConnect: true });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(spec.port ?? 0, spec.host ?? '127.0.0.1', () => {
        const address = server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        resolve(new SuperServer(server, port, spec));
      });
    });
  }

  /** Exit codes of every child spawned so far, once they have all ended. */
  exitCodes(): Promise<Array<number | null>> {
    return Promise.all(this.exits);
  }

  /** Stops listening, then waits for (or after `graceMs`, kills) the children. */
  async close(graceMs = 5000): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    const timer = setTimeout(() => {
      for (const child of this.children) child.kill('SIGKILL');
    }, graceMs);
    await Promise.all(this.exits);
    clearTimeout(timer);
  }

  private serve(socket: Socket): void {
    const child = spawn(this.spec.program, [...(this.spec.args ?? [])], {
      stdio: [socket, socket, socket],
      env: this.spec.env ?? process.env,
      argv0: this.spec.argv0,
    });
    this.children.add(child);
    this.exits.push(
      new Promise((resolve) => {
        child.once('error', () => resolve(null));
        child.once('exit', (code, signal) => {
          this.children.delete(child);
          resolve(signal ? null : code);
        });
      }),
    );
    // The child holds its own copy of the descriptor; ours is closed without
    // a shutdown, so the connection stays up.
    socket.destroy();
  }
}
