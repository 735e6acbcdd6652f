import { randomUUID } from 'node:crypto';
import type { MessagePageView, MessageView, ReadReceiptView } from '../../shared/src/chat.js';
import type { Ack } from '../../shared/src/errors.js';
import { expectStatus, type LiveClient, type Pro } from '../teamFactories.js';

/** Sends a message over the socket and returns the acknowledgement. */
export function send(
  client: LiveClient,
  teamId: string,
  text: string,
  opts: { clientId?: string; mentions?: string[] } = {},
): Promise<Ack<MessageView>> {
  return client.socket.timeout(5000).emitWithAck('chat:send', {
    teamId,
    clientId: opts.clientId ?? randomUUID(),
    text,
    ...(opts.mentions ? { mentions: opts.mentions } : {}),
  }) as Promise<Ack<MessageView>>;
}

/** Sends and expects success; returns the stored message. */
export async function sent(
  client: LiveClient,
  teamId: string,
  text: string,
  opts: { clientId?: string; mentions?: string[] } = {},
): Promise<MessageView> {
  const ack = await send(client, teamId, text, opts);
  if (!ack.ok) throw new Error(`send refused: ${JSON.stringify(ack.error)}`);
  return ack.data;
}

export function markRead(
  client: LiveClient,
  teamId: string,
  messageId: string,
): Promise<Ack<ReadReceiptView>> {
  return client.socket.timeout(5000).emitWithAck('chat:read', { teamId, messageId }) as Promise<
    Ack<ReadReceiptView>
  >;
}

export async function page(pro: Pro, teamId: string, query = ''): Promise<MessagePageView> {
  return expectStatus(
    await pro.agent.get<MessagePageView>(`/api/teams/${teamId}/messages${query}`),
    200,
  );
}

/** The `chat:message` events a client received for one team, in arrival order. */
export function liveMessages(client: LiveClient, teamId: string): MessageView[] {
  return client.received
    .filter((r) => r.event === 'chat:message')
    .map((r) => r.payload as MessageView)
    .filter((m) => m.teamId === teamId);
}

export async function unreadOf(pro: Pro, teamId: string): Promise<number | undefined> {
  const { teams } = expectStatus(
    await pro.agent.get<{ teams: { id: string; unread: number }[] }>('/api/teams'),
    200,
  );
  return teams.find((x) => x.id === teamId)?.unread;
}
