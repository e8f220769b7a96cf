// Builds the LoginContext for a connection; `secure` follows the connection,
// so it turns true after STARTTLS without rebuilding the context.
import type { Config } from '../config/config';
import type { Connection } from '../net/connection';
import type { LoginContext, Service } from './types';

export function loginContext(service: Service, config: Config, connection: Connection): LoginContext {
  return {
    service,
    config,
    peer: connection.peer,
    get secure() {
      return connection.secure;
    },
  };
}
