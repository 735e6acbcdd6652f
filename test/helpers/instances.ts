import { createClient } from 'redis';
import type { TestApp } from './app.js';
import { Agent } from './http.js';
import type { Pro } from '../teamFactories.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether a Redis answers at `url` (the machine's; tests that need one skip without). */
export async function redisAvailable(url = REDIS_URL): Promise<boolean> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 1000 } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.close();
    return true;
  } catch {
    return false;
  }
}

/** The same professional, same session, through another instance (as behind a proxy). */
export function via(pro: Pro, instance: Pick<TestApp, 'baseUrl'>): Pro {
  const agent = new Agent(instance.baseUrl);
  for (const [k, v] of pro.agent.cookies) agent.cookies.set(k, v);
  return { ...pro, agent };
}
