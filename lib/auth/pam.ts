// PAM through node-linux-pam, which runs pam_authenticate and then
// pam_acct_mgmt, so the service's `account` lines (expiry, locks) take
// effect. No session is opened: the guide's pam.conf has
// `session required pam_deny.so`, which works only because UW never opened one.
import { createRequire } from 'node:module';
import { log } from '../log/syslog';

interface PamBinding {
  pamAuthenticatePromise(options: { username: string; password: string; serviceName: string; remoteHost: string }): Promise<number>;
}

export interface PamRequest {
  readonly service: string;
  readonly user: string;
  readonly password: string;
  /** Client address for PAM_RHOST; empty over pipes. */
  readonly remoteHost: string;
}

let binding: PamBinding | null | undefined;

function loadBinding(): PamBinding | null {
  if (binding !== undefined) return binding;
  try {
    binding = createRequire(__filename)('node-linux-pam') as PamBinding;
  } catch (error) {
    log('err', `PAM unavailable: node-linux-pam failed to load (${(error as Error).message})`);
    binding = null;
  }
  return binding;
}

/** True only when both the authentication and the account phase succeed. */
export async function pamAccepts(request: PamRequest): Promise<boolean> {
  const pam = loadBinding();
  if (!pam) return false;
  try {
    const code = await pam.pamAuthenticatePromise({
      username: request.user,
      password: request.password,
      serviceName: request.service,
      remoteHost: request.remoteHost,
    });
    return code === 0;
  } catch {
    // PamError: authentication or account refused (reason deliberately not told to the client).
    return false;
  }
}
