import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAs } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Agent } from '../helpers/http.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('socket.io handshake', () => {
  it('refuses a socket without a session', async () => {
    const socket = new Agent(t.baseUrl).socket();
    const err = await new Promise<Error>((resolve, reject) => {
      socket.on('connect', () => reject(new Error('connected without a session')));
      socket.on('connect_error', resolve);
    });
    expect(err.message).toBe('unauthenticated');
    socket.close();
  });

  it('refuses a socket with a forged or ended session', async () => {
    const agent = new Agent(t.baseUrl);
    await signUpAs(agent);
    const cookie = agent.cookieHeader();
    await agent.post('/api/auth/signout');
    const stale = new Agent(t.baseUrl);
    for (const part of cookie.split('; ')) {
      const [k, v] = part.split('=');
      stale.cookies.set(k!, v!);
    }
    const socket = stale.socket();
    const err = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
    expect(err.message).toBe('unauthenticated');
    socket.close();
  });

  it('accepts a socket with a session, then ends it at sign-out', async () => {
    const agent = new Agent(t.baseUrl);
    const { professional } = await signUpAs(agent);
    const socket = agent.socket();
    const ready = await new Promise<{ professional: { id: string } }>((resolve, reject) => {
      socket.on('session:ready', resolve);
      socket.on('connect_error', reject);
    });
    expect(ready.professional.id).toBe(professional.id);
    const pong = await socket.emitWithAck('health:ping');
    expect(pong.ok).toBe(true);
    // Once connected, the server keeps the handshake it read, not the upgrade request.
    const server = t.app.io.of('/').sockets.get(socket.id!);
    expect(server?.handshake.headers.cookie).toContain('=');
    expect(server?.conn.request).toBeNull();

    const ended = new Promise<void>((resolve) => socket.on('session:ended', () => resolve()));
    const disconnected = new Promise<string>((resolve) => socket.on('disconnect', resolve));
    expect((await agent.post('/api/auth/signout')).status).toBe(204);
    await ended;
    expect(await disconnected).toBe('io server disconnect');
    socket.close();
  });
});
