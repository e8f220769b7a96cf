// Preloaded with `node --require` into a measured process. At exit it
// appends "pid peak-kB" to $BENCH_RSS_FILE. The peak is the kernel's
// high-water mark of this process image (VmHWM), which, unlike getrusage's
// maxrss, does not inherit the size of the parent that forked it.
'use strict';
const { appendFileSync, readFileSync } = require('node:fs');

const target = process.env.BENCH_RSS_FILE;
if (target) {
  delete process.env.BENCH_RSS_FILE;
  process.on('exit', () => {
    let kilobytes;
    try {
      kilobytes = Number(/^VmHWM:\s*(\d+)/m.exec(readFileSync('/proc/self/status', 'latin1'))[1]);
    } catch {
      kilobytes = process.resourceUsage().maxRSS;
    }
    try {
      appendFileSync(target, `${process.pid} ${kilobytes}\n`);
    } catch {
      // The measurement is lost, never the process's own exit.
    }
  });
}
