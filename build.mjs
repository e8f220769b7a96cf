// Bundles each executable into one CommonJS file under dist/, so that a
// process spawned by inetd reads and compiles a single file at start-up.
// Native addons and heavy, rarely needed modules stay external and are
// required on first use. The per-connection servers are then run once on a
// scripted session to record V8's code cache beside the bundle (bin/load.cjs
// uses it); a server that cannot be trained simply runs without one.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const entries = {
  imapd: 'lib/imap/main.ts',
  ipop3d: 'lib/pop3/main.ts',
  ipop2d: 'lib/pop2/main.ts',
  'imapd-mkcert': 'lib/cert/main.ts',
  demo: 'lib/demo/main.ts',
};

/** What each trained server is fed: the start-up path every connection takes. */
const trainingSessions = {
  imapd: 'a CAPABILITY\r\nb NOOP\r\nc LOGOUT\r\n',
  ipop3d: 'CAPA\r\nNOOP\r\nQUIT\r\n',
  ipop2d: 'QUIT\r\n',
};

const external = [
  'fs-ext', 'node-linux-pam', 'unix-dgram',
  'mailparser', 'iconv-lite', 'libmime', 'commander',
];

const buildId = randomBytes(8).toString('hex');

const built = await Promise.all(
  Object.entries(entries)
    .filter(([, entry]) => existsSync(entry))
    .map(async ([name, entry]) => {
      await build({
        entryPoints: [entry],
        outfile: `dist/${name}.cjs`,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        external,
        minifySyntax: true,
        // bin/load.cjs reads the bundle as latin1: non-ASCII in code must be escaped.
        charset: 'ascii',
        legalComments: 'none',
        logLevel: 'warning',
        // import() becomes a lazy require(): the bundle then runs as a plain
        // vm.Script in bin/load.cjs, which has no module loader of its own.
        supported: { 'dynamic-import': false },
        // bin/load.cjs accepts a code cache only for the build it names.
        banner: { js: `// build ${buildId}` },
      });
      return name;
    }),
);

// Training runs the server as inetd would, with a configuration that keeps
// it from touching anyone's mail or syslog: no PREAUTH, no syslog socket.
const scratch = mkdtempSync(join(tmpdir(), 'imapd-train-'));
try {
  const config = join(scratch, 'imapd.cf');
  writeFileSync(config, `set preauth no\nset syslog-socket ${join(scratch, 'no-syslog')}\n`);
  await Promise.all(built.filter((name) => name in trainingSessions).map((name) => train(name, config)));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

async function train(name, config) {
  const cache = `dist/${name}.cjs.cache`;
  const token = randomBytes(8).toString('hex');
  const recorded = `${cache}.${token}`;
  const child = spawn(process.execPath, [`bin/${name}`], {
    env: { PATH: process.env.PATH, IMAPD_CONFIG: config, IMAP_UW_TS_TRAIN_CODE_CACHE: token },
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
  const code = await new Promise((resolve) => {
    child.once('error', () => resolve(null));
    child.once('close', resolve);
    child.stdin.on('error', () => undefined);
    child.stdin.end(trainingSessions[name]);
  });
  clearTimeout(timer);
  if (code === 0 && existsSync(recorded)) {
    renameSync(recorded, cache);
  } else {
    rmSync(recorded, { force: true });
    rmSync(cache, { force: true });
    console.warn(`build: ${name} ran without a code cache (training exited with ${code})`);
  }
}
