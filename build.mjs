// Bundles each executable into one CommonJS file under dist/, so that a
// process spawned by inetd reads and compiles a single file at start-up.
// Native addons and heavy, rarely needed modules stay external and are
// required on first use.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = {
  imapd: 'lib/imap/main.ts',
  ipop3d: 'lib/pop3/main.ts',
  ipop2d: 'lib/pop2/main.ts',
  'imapd-mkcert': 'lib/cert/main.ts',
  demo: 'lib/demo/main.ts',
};

const external = [
  'fs-ext', 'node-linux-pam', 'unix-dgram',
  'mailparser', 'iconv-lite', 'libmime', 'commander',
];

await Promise.all(
  Object.entries(entries)
    .filter(([, entry]) => existsSync(entry))
    .map(([name, entry]) =>
      build({
        entryPoints: [entry],
        outfile: `dist/${name}.cjs`,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        external,
        minifySyntax: true,
        legalComments: 'none',
        logLevel: 'warning',
      }),
    ),
);
