import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSms {
  to: string;
  text: string;
  headers: IncomingHttpHeaders;
}

export interface SmsGateway {
  url: string;
  received: ReceivedSms[];
  /** Waits for an SMS to `to` beyond the `after` first ones. */
  next(to: string, after?: number): Promise<ReceivedSms>;
  close(): Promise<void>;
}

/**
 * A local SMS gateway (the contract of docs/deployment.md, "SMS"): an http server on port 0
 * that keeps each `{ to, text }` it is posted, with its headers, and answers 202.
 */
export async function startSmsGateway(): Promise<SmsGateway> {
  const received: ReceivedSms[] = [];
  const waiting: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        to: string;
        text: string;
      };
      received.push({ to: body.to, text: body.text, headers: req.headers });
      res.statusCode = 202;
      res.end();
      for (const wake of waiting.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms`,
    received,
    async next(to, after = 0) {
      const find = () => received.slice(after).find((r) => r.to === to);
      while (!find()) await new Promise<void>((resolve) => waiting.push(resolve));
      return find()!;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
