// The answer to a plaintext password on a connection where they are refused.
import type { Pop3Session } from '../session';
import { err } from '../wire';

export function plaintextRefusal(session: Pop3Session): string {
  const advice = session.tls.available && !session.connection.secure ? 'use STLS first' : 'use APOP or AUTH CRAM-MD5, or connect with TLS';
  return err(`Plaintext passwords are not accepted on this connection; ${advice}`, 'AUTH');
}
