import { describe, expect, it } from 'vitest';
import { startTestApp } from '../helpers/app.js';
import { Agent } from '../helpers/http.js';

describe('GET /api/health and /api/ready', () => {
  it('says alive while the process runs; ready only while the database answers', async () => {
    const t = await startTestApp();
    try {
      const agent = new Agent(t.baseUrl);
      expect((await agent.get('/api/health')).body).toEqual({ status: 'alive' });
      const up = await agent.get<{
        status: string;
        database: { state: string; engine: string };
        redis?: unknown;
      }>('/api/ready');
      expect(up.status).toBe(200);
      expect(up.body).toMatchObject({ status: 'ready', database: { state: 'connected' } });
      expect(up.body.database.engine).toBeTruthy();
      // One instance alone: no Redis to report on.
      expect(up.body.redis).toBeUndefined();

      await t.db.close();
      const down = await agent.get<{ status: string; database: { state: string } }>('/api/ready');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ status: 'not_ready', database: { state: 'unreachable' } });
      expect((await agent.get('/api/health')).status).toBe(200);
    } finally {
      await t.app.close();
    }
  });
});
