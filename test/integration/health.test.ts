import { describe, expect, it } from 'vitest';
import { startTestApp } from '../helpers/app.js';
import { Agent } from '../helpers/http.js';

describe('GET /api/health', () => {
  it('reports the database up, then down once it is unreachable', async () => {
    const t = await startTestApp();
    try {
      const up = await new Agent(t.baseUrl).get<{
        status: string;
        database: { state: string; engine: string };
      }>('/api/health');
      expect(up.status).toBe(200);
      expect(up.body).toMatchObject({ status: 'ok', database: { state: 'connected' } });
      expect(up.body.database.engine).toBeTruthy();

      await t.db.close();
      const down = await new Agent(t.baseUrl).get<{ status: string }>('/api/health');
      expect(down.status).toBe(503);
      expect(down.body.status).toBe('degraded');
    } finally {
      await t.app.close();
    }
  });
});
