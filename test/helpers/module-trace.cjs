// Preloaded into a server (NODE_OPTIONS=--require) by the start-up tests:
// appends each module the server's code requires, on its first require, to
// $MODULE_TRACE_FILE, so a test can see what was loaded before the greeting.
'use strict';
const { appendFileSync } = require('node:fs');
const Module = require('node:module');

const file = process.env.MODULE_TRACE_FILE;
const seen = new Set();
const load = Module._load;
Module._load = function traced(request, ...rest) {
  if (file && !seen.has(request)) {
    seen.add(request);
    appendFileSync(file, `${request}\n`);
  }
  return load.call(this, request, ...rest);
};
