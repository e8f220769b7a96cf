// A connection over two one-way streams, as a server spawned with pipes (or
// over ssh) has: bytes both ways, half-close, back-pressure, the end of the
// output, a client gone mid-write, and STARTTLS on top.
import assert from 'node:assert/strict';
import { Duplex, PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { connect, createSecureContext } from 'node:tls';
import { makeSelfSignedPem } from '../../../lib/cert/self-signed';
import { Connection } from '../../../lib/net/connection';

function pipes(outputHighWaterMark?: number): { toServer: PassThrough; fromServer: PassThrough; connection: Connection } {
  const toServer = new PassThrough();
  const fromServer = new PassThrough(outputHighWaterMark === undefined ? {} : { highWaterMark: outputHighWaterMark });
  return { toServer, fromServer, connection: Connection.fromPipes(toServer, fromServer) };
}

function received(connection: Connection): () => string {
  let text = '';
  connection.onData((chunk) => {
    text += chunk.toString('latin1');
  });
  return () => text;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('connection over pipes', () => {
  it('carries bytes both ways and has no peer', async () => {
    const { toServer, fromServer, connection } = pipes();
    const text = received(connection);
    toServer.write('a NOOP\r\n');
    await tick();
    assert.equal(text(), 'a NOOP\r\n');
    connection.write('a OK done\r\n');
    assert.equal(fromServer.read()?.toString(), 'a OK done\r\n');
    assert.equal(connection.peer, undefined);
    assert.equal(connection.secure, false);
  });

  it('keeps writing after the client has stopped sending, and closes when it ends', async () => {
    const { toServer, fromServer, connection } = pipes();
    received(connection);
    let inputEnded = false;
    let closed = false;
    connection.onInputEnd(() => {
      inputEnded = true;
    });
    connection.onClose(() => {
      closed = true;
    });
    toServer.end('a LOGOUT\r\n');
    await tick();
    assert.equal(inputEnded, true);
    assert.equal(closed, false);
    connection.write('* BYE\r\n');
    let outputEnded = false;
    fromServer.on('end', () => {
      outputEnded = true;
    });
    fromServer.resume();
    await connection.end();
    await tick();
    assert.equal(outputEnded, true);
    assert.equal(closed, true);
    assert.equal(connection.isClosed, true);
  });

  it('asks the writer to wait while the client is not reading, and resumes on drain', async () => {
    const { fromServer, connection } = pipes(16);
    received(connection);
    assert.equal(connection.write('x'.repeat(65536)), false);
    let drained = false;
    const waiting = connection.drain().then(() => {
      drained = true;
    });
    await tick();
    assert.equal(drained, false);
    fromServer.resume();
    await waiting;
    assert.equal(drained, true);
  });

  it('closes when the output fails (the client has gone)', async () => {
    const output = new Writable({
      write: (_chunk, _encoding, callback) => callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })),
    });
    const connection = Connection.fromPipes(new PassThrough(), output);
    let closed = false;
    connection.onClose(() => {
      closed = true;
    });
    connection.write('* OK\r\n');
    await tick();
    await tick();
    assert.equal(closed, true);
  });

  it('starts TLS over the two streams', async () => {
    const { toServer, fromServer, connection } = pipes();
    const pem = makeSelfSignedPem({ cn: 'mail.example.org', days: 1, keyType: 'ec' });
    // The client speaks first: its hello waits in the paused stream until the TLS layer reads.
    connection.pause();
    const client = connect({ socket: Duplex.from({ readable: fromServer, writable: toServer }), rejectUnauthorized: false });
    client.on('error', () => undefined);
    await connection.startTls(createSecureContext({ key: pem, cert: pem }));
    assert.equal(connection.secure, true);
    const text = received(connection);
    client.write('a CAPABILITY\r\n');
    const reply = new Promise<string>((resolve) => client.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    for (let wait = 0; wait < 100 && text() === ''; wait++) await tick();
    assert.equal(text(), 'a CAPABILITY\r\n');
    connection.write('a OK over TLS\r\n');
    assert.equal(await reply, 'a OK over TLS\r\n');
    client.destroy();
  });
});
