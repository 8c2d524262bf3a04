// Redis' glob (stringmatchlen in util.c: `*`, `?`, `[abc]`, `[^a-z]`, `\x`), compiled once per
// registration to a RegExp. Written here because glob libraries follow shell or path rules (`/` is
// special, `**`, braces) that Redis' MATCH and RedisGears' prefixes do not have.
const SPECIAL = /[.+^${}()|\]\\/]/;

export function globToRegExp(pattern: string): RegExp {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '\\' && i + 1 < pattern.length) out += escape(pattern[++i]);
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/\\(?!-)/g, '\\\\').replace(/\]/g, '\\]')}]`;
      i = end;
    } else out += escape(c);
  }
  return new RegExp(`${out}$`);
}

function escape(c: string): string {
  return SPECIAL.test(c) || c === '[' ? `\\${c}` : c;
}

/** A matcher for `pattern`; `*` (the default) matches every key without a RegExp. */
export function globMatcher(pattern: string | undefined): (key: string) => boolean {
  if (pattern === undefined || pattern === '*') return () => true;
  if (!/[*?[\\]/.test(pattern)) return (key) => key === pattern;
  const star = pattern.indexOf('*');
  if (star === pattern.length - 1 && !/[?[\\]/.test(pattern)) {
    const prefix = pattern.slice(0, -1);
    return (key) => key.startsWith(prefix);
  }
  const re = globToRegExp(pattern);
  return (key) => re.test(key);
}
