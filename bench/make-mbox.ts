// Prints the path of a generated benchmark mbox, generating it if needed:
//   node --import tsx bench/make-mbox.ts [--seed 1] [--count 10000] [--out file]
import { parseArgs } from 'node:util';
import { cachedMbox, writeMbox } from './generate';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    count: { type: 'string', default: '10000' },
    out: { type: 'string' },
  },
});
const spec = { seed: Number(values.seed), count: Number(values.count) };
if (values.out) writeMbox(values.out, spec);
process.stdout.write(`${values.out ?? cachedMbox(spec)}\n`);
