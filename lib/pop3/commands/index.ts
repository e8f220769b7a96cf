// The POP3 command table: keyword -> handler and the states it is valid in.
import { apop } from './apop';
import { auth } from './auth';
import { capa } from './capa';
import { dele } from './dele';
import { last } from './last';
import { list } from './list';
import { noop } from './noop';
import { pass } from './pass';
import { quit } from './quit';
import { retr } from './retr';
import { rset } from './rset';
import { stat } from './stat';
import { stls } from './stls';
import { top } from './top';
import type { Pop3Command } from './types';
import { uidl } from './uidl';
import { user } from './user';

export const COMMANDS: Readonly<Record<string, Pop3Command>> = {
  CAPA: capa,
  QUIT: quit,
  USER: user,
  PASS: pass,
  APOP: apop,
  AUTH: auth,
  STLS: stls,
  STAT: stat,
  LIST: list,
  UIDL: uidl,
  RETR: retr,
  TOP: top,
  DELE: dele,
  NOOP: noop,
  RSET: rset,
  LAST: last,
};
