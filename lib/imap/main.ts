// imapd entry point (bundled to dist/imapd.cjs): the shared start-up, then
// the IMAP session over the user's mail store.
import { openMailStore } from '../mail/store';
import { bootstrap } from '../server/bootstrap';
import { serveImap } from './serve';

async function main(): Promise<void> {
  const server = await bootstrap('imapd');
  if (!server) return;
  await serveImap(server, (user) => openMailStore(user, server.config));
}

void main();
