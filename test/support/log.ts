// A logger whose lines a test reads (to check what an operator would see), instead of stderr.
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export function capturedLogger(): { logger: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines, text: () => lines.join('') };
}
