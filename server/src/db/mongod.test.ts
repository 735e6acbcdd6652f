import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { canConnect, downloadTarget } from './mongod.js';

/**
 * The probe that keeps an offline `npm start` fast: before downloading a mongod, one bounded
 * connection attempt to the host the download would use.
 */
let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

function listen(): Promise<number> {
  return new Promise((resolve) => {
    server = createServer((socket) => socket.destroy());
    server.listen(0, '127.0.0.1', () => resolve((server?.address() as { port: number }).port));
  });
}

describe('canConnect', () => {
  it('answers ok when something listens', async () => {
    expect(await canConnect('127.0.0.1', await listen(), 5000)).toBe('ok');
  });

  it('answers at once when nothing listens', async () => {
    const port = await listen();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    expect(await canConnect('127.0.0.1', port, 5000)).toBe('ECONNREFUSED');
  });

  it('gives up after its timeout when the name lookup never answers', async () => {
    const never = () => undefined;
    expect(await canConnect('fastdl.example', 443, 100, never)).toBe('no answer within 100 ms');
  });

  it('reports a failed name lookup (offline)', async () => {
    const offline = (_host: string, _opts: unknown, cb: (err: Error | null) => void) =>
      cb(Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' }));
    expect(await canConnect('fastdl.example', 443, 5000, offline as never)).toBe('EAI_AGAIN');
  });
});

describe('downloadTarget', () => {
  it("is MongoDB's download host by default", () => {
    expect(downloadTarget({})).toEqual({ host: 'fastdl.mongodb.org', port: 443 });
  });

  it('follows a mirror or a full download address', () => {
    expect(downloadTarget({ MONGOMS_DOWNLOAD_MIRROR: 'http://mirror.local:8080' })).toEqual({
      host: 'mirror.local',
      port: 8080,
    });
    expect(
      downloadTarget({ MONGOMS_DOWNLOAD_URL: 'https://dl.local/mongodb-linux-x86_64.tgz' }),
    ).toEqual({ host: 'dl.local', port: 443 });
  });

  it('is the proxy when one is set, as the download goes through it', () => {
    expect(downloadTarget({ HTTPS_PROXY: 'http://proxy.local:3128' })).toEqual({
      host: 'proxy.local',
      port: 3128,
    });
  });
});
