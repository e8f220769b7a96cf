// The server's fully qualified name, which a certificate must carry (the
// guide: otherwise clients warn on every TLS connection).
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';

/** What `hostname -f` says, else the kernel's host name. */
export function fullyQualifiedHostname(): string {
  const result = spawnSync('hostname', ['-f'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
  const name = result.status === 0 ? result.stdout.trim() : '';
  return name === '' ? hostname() : name;
}
