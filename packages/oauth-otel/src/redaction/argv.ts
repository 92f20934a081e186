/**
 * argv arrays (`['mysql', '-pSECRET']`, `['sshpass', '-p', pw]`, `['htpasswd', '-b', file, user, pw]`):
 * the password flags that are secret only under a particular command, judged by the array's first
 * element as the text scanner judges them by the command opening the line.
 */
import { LOGIN_COMMANDS, MYSQL_COMMANDS, PASSWORD_FLAG_COMMANDS } from './patterns';

/** Element verdicts. */
export const ARGV_KEEP = 0;
/** The element is a password. */
export const ARGV_SECRET = 1;
/** The element is a flag with its password attached after two characters (`-pSECRET`). */
export const ARGV_ATTACHED = 2;
/** The element is a flag's value that is not secret under this command (htpasswd's `-b file`). */
export const ARGV_PLAIN = 3;
/** Elements looked at: a command line is short; longer arrays are data, not argv. */
const ARGV_MAX = 64;
/** htpasswd's batch flag cluster (`-b`, `-bc`, `-nbB`): the password is a positional argument. */
const HTPASSWD_BATCH = /^-[A-Za-z]{0,6}b[A-Za-z]{0,6}$/;

/** The command an argv array runs (basename, lower case), or '' when a[0] is not a command name. */
function commandName(a0: unknown): string {
  if (typeof a0 !== 'string' || a0.length === 0 || a0.length > 256 || /\s/.test(a0)) return '';
  return a0.slice(a0.lastIndexOf('/') + 1).toLowerCase();
}

function known(cmd: string): boolean {
  return cmd === 'htpasswd' || PASSWORD_FLAG_COMMANDS.has(cmd) || LOGIN_COMMANDS.has(cmd) || MYSQL_COMMANDS.has(cmd);
}

/** Verdicts per element for an argv array of a known command; null for any other array. Reads
 *  at most ARGV_MAX elements; a throwing element ends the judgement (null). */
export function argvVerdicts(a: readonly unknown[]): Uint8Array | null {
  try {
    const cmd = commandName(a[0]);
    if (cmd === '' || !known(cmd)) return null;
    const n = a.length < ARGV_MAX ? a.length : ARGV_MAX;
    const out = new Uint8Array(n);
    const pwFlag = PASSWORD_FLAG_COMMANDS.get(cmd);
    let login = false;
    let positional = -1;
    let batch = -1;
    for (let i = 1; i < n; i++) {
      const v = a[i];
      if (typeof v !== 'string') continue;
      if (v === 'login') login = true;
      // Positional words after htpasswd's batch flag; once one was seen, a leading `-` is the value's own.
      if (positional > 0 || (positional === 0 && v.charCodeAt(0) !== 45)) {
        out[i] = ++positional === batch ? ARGV_SECRET : ARGV_PLAIN;
        continue;
      }
      if (i + 1 < n && (v === pwFlag || (v === '-p' && login && LOGIN_COMMANDS.has(cmd)))) out[++i] = ARGV_SECRET;
      else if (v.length > 2 && v.charCodeAt(0) === 45 && v.charCodeAt(1) === 112 && MYSQL_COMMANDS.has(cmd)) out[i] = ARGV_ATTACHED;
      else if (cmd === 'htpasswd' && positional < 0 && HTPASSWD_BATCH.test(v)) {
        // `htpasswd -b file user pw`, `htpasswd -nb user pw`.
        positional = 0;
        batch = v.includes('n') ? 2 : 3;
      }
    }
    return out;
  } catch {
    return null;
  }
}
