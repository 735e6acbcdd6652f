import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSmsSender, NullSmsSender } from './sms.js';

/** A gateway answering every request with the status it is told, keeping the bodies. */
let status = 202;
const bodies: string[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    bodies.push(Buffer.concat(chunks).toString('utf8'));
    res.statusCode = status;
    // A gateway that echoes what it was sent: never read, never logged.
    res.end(Buffer.concat(chunks));
  });
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function capture() {
  const lines: string[] = [];
  return { lines, logger: pino({ level: 'info' }, { write: (line: string) => lines.push(line) }) };
}

describe('the HTTP SMS sender', () => {
  it('posts { to, text } as JSON, in order, without the caller waiting', async () => {
    const { logger, lines } = capture();
    const sender = new HttpSmsSender({ url, token: 'token-token-token' }, logger);
    status = 202;
    bodies.length = 0;
    sender.send('patient.code', { to: '+33612345678', text: 'un' });
    sender.send('patient.code', { to: '+33612345679', text: 'deux' });
    expect(bodies).toEqual([]);
    await sender.idle();
    expect(bodies.map((b) => JSON.parse(b) as unknown)).toEqual([
      { to: '+33612345678', text: 'un' },
      { to: '+33612345679', text: 'deux' },
    ]);
    expect(lines).toEqual([]);
    await sender.close();
  });

  it('logs a refused SMS by its kind only: neither the number nor the text', async () => {
    const { logger, lines } = capture();
    const sender = new HttpSmsSender({ url, token: 'token-token-token' }, logger);
    status = 500;
    sender.send('patient.code', { to: '+33612345678', text: 'code 1234 5678' });
    await sender.idle();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('sms failed');
    expect(lines[0]).toContain('patient.code');
    expect(lines[0]).not.toContain('612345678');
    expect(lines[0]).not.toContain('1234 5678');
    expect(lines[0]).not.toContain('token-token-token');
    await sender.close();
  });

  it('without a gateway, says it does not deliver (the channel is then refused)', () => {
    expect(new NullSmsSender().delivers).toBe(false);
  });
});
