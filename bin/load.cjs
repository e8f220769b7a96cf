// Loads a bundled executable (dist/NAME.cjs) through V8's code cache
// (dist/NAME.cjs.cache), which build.mjs records from a short training
// session. inetd starts a process per connection, and the cache spares each
// one most of the parsing and compiling of the bundle. A missing, stale or
// rejected cache only costs that time back: the bundle then compiles as usual.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

/** The bundle's first line names its build; a cache counts only for the same build. */
function buildLine(source) {
  const end = source.indexOf('\n');
  return end > 0 && source.startsWith('// build ') ? source.slice(0, end) : undefined;
}

function readCache(path, build) {
  let data;
  try {
    data = readFileSync(path);
  } catch {
    return undefined;
  }
  const end = data.indexOf(10);
  return end > 0 && data.toString('latin1', 0, end) === build ? data.subarray(end + 1) : undefined;
}

module.exports = function load(name) {
  const file = join(__dirname, '..', 'dist', `${name}.cjs`);
  // esbuild writes ASCII (it escapes anything else in code; only comments
  // keep a few non-ASCII characters): latin1 skips UTF-8 decoding.
  const source = readFileSync(file, 'latin1');
  const build = buildLine(source);
  const cachePath = `${file}.cache`;
  const script = new Script(Module.wrap(source), {
    filename: file,
    cachedData: build === undefined ? undefined : readCache(cachePath, build),
  });
  // build.mjs's training run: record what this session compiled, beside the bundle.
  const training = process.env.IMAP_UW_TS_TRAIN_CODE_CACHE;
  if (build !== undefined && training !== undefined && /^[0-9a-f]{1,32}$/.test(training)) {
    delete process.env.IMAP_UW_TS_TRAIN_CODE_CACHE;
    process.once('exit', () => writeFileSync(`${cachePath}.${training}`, Buffer.concat([Buffer.from(`${build}\n`, 'latin1'), script.createCachedData()])));
  }
  const bundle = new Module(file, module);
  bundle.filename = file;
  script.runInThisContext().call(bundle.exports, bundle.exports, Module.createRequire(file), bundle, file, dirname(file));
};
