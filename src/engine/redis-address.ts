// Redis URLs carry passwords (redis://user:password@host), so no message or log line shows one whole.

/** The URL with its password replaced by `***`; the URL as given if it does not parse. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password === '') return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^@/]*):[^@/]*@/, '//$1:***@');
  }
}

/** `host:port` of a Redis URL, for messages. */
export function redisAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || '127.0.0.1'}:${u.port || 6379}`;
  } catch {
    return redactUrl(url);
  }
}
