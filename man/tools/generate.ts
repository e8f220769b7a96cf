// Rewrites the generated OPTIONS section of man/imapd.cf.5 from
// lib/config/options.ts. Run after adding or changing an option:
//   npx tsx man/tools/generate.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OPTIONS } from '../../lib/config/options';
import { OPTION_EXAMPLES } from './option-examples';
import { renderOptionsSection, spliceGenerated } from './options-section';

const PAGE = resolve(__dirname, '..', 'imapd.cf.5');

const current = readFileSync(PAGE, 'utf8');
const updated = spliceGenerated(current, renderOptionsSection(OPTIONS, OPTION_EXAMPLES));
if (updated !== current) writeFileSync(PAGE, updated);
