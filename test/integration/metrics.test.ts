import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { sent } from '../helpers/chat.js';
import { activeTeam, connect } from '../teamFactories.js';

const scrape = (t: TestApp, headers: Record<string, string> = {}) =>
  fetch(`${t.baseUrl}/metrics`, { headers });

describe('GET /metrics', () => {
  let open: TestApp;
  let guarded: TestApp;
  beforeAll(async () => {
    open = await startTestApp();
    guarded = await startTestApp({ env: { METRICS_TOKEN: 'scraper-token-0123456789' } });
  });
  afterAll(() => Promise.all([open.close(), guarded.close()]));

  it('counts sockets, notes, messages and acknowledgement times, and names no team', async () => {
    const { team, creator } = await activeTeam(open);
    const client = await connect(creator);
    await sent(client, team.id, 'Bonjour');
    const res = await scrape(open);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^escap_connected_sockets \d+$/m);
    expect(text).toMatch(/^escap_chat_messages_total 1$/m);
    expect(text).toMatch(/^escap_ack_latency_seconds_count\{event="chat:send"\} 1$/m);
    expect(text).toMatch(/^escap_redis_up -1$/m);
    expect(text).toMatch(/^escap_database_latency_seconds [\d.e-]+$/m);
    expect(text).toContain('escap_node_process_resident_memory_bytes');
    expect(text).not.toContain(team.id);
    expect(text).not.toContain(creator.id);
    client.close();
  });

  it('asks for the token when one is set', async () => {
    expect((await scrape(guarded)).status).toBe(404);
    expect((await scrape(guarded, { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(
      404,
    );
    const ok = await scrape(guarded, { authorization: 'Bearer scraper-token-0123456789' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('escap_open_notes');
  });
});
