// Splits an inline command line into arguments like Redis' sdssplitargs: whitespace separates,
// "double quotes" take \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes' take \'.
import { ProtocolError } from './scan.js';

const HEX = /^[0-9a-fA-F]{2}$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

export function splitInline(line: Buffer): Buffer[] {
  // latin1 maps every byte to one char and back, so binary arguments survive
  const s = line.toString('latin1');
  const args: Buffer[] = [];
  let i = 0;
  const n = s.length;
  const isSpace = (c: string | undefined): boolean =>
    c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
  while (true) {
    while (i < n && isSpace(s[i])) i++;
    if (i >= n) return args;
    let cur = '';
    let quote: '"' | "'" | '' = '';
    for (;;) {
      const c = s[i];
      if (quote === '"') {
        if (i >= n) throw new ProtocolError('unbalanced quotes in request');
        if (c === '\\' && s[i + 1] === 'x' && HEX.test(s.slice(i + 2, i + 4))) {
          cur += String.fromCharCode(parseInt(s.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        if (c === '\\' && i + 1 < n) {
          const e = s[i + 1];
          cur += ESCAPES[e] ?? e;
          i += 2;
          continue;
        }
        if (c === '"') {
          if (i + 1 < n && !isSpace(s[i + 1])) throw new ProtocolError('unbalanced quotes in request');
          i++;
          break;
        }
        cur += c;
        i++;
      } else if (quote === "'") {
        if (i >= n) throw new ProtocolError('unbalanced quotes in request');
        if (c === '\\' && s[i + 1] === "'") {
          cur += "'";
          i += 2;
          continue;
        }
        if (c === "'") {
          if (i + 1 < n && !isSpace(s[i + 1])) throw new ProtocolError('unbalanced quotes in request');
          i++;
          break;
        }
        cur += c;
        i++;
      } else {
        if (i >= n || isSpace(c)) break;
        if (c === '"' || c === "'") quote = c;
        else cur += c;
        i++;
      }
    }
    args.push(Buffer.from(cur, 'latin1'));
  }
}
