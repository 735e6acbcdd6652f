import * as Y from 'yjs';
import { NoteProvider, type NoteSocket } from '../../client/src/features/notes/provider.js';
import { NOTE_FRAGMENT, type NoteDocName } from '../../shared/src/notes.js';
import type { Agent } from './http.js';

/** A real note client: the browser's provider over a real socket.io client, in Node. */
export interface NoteClient {
  doc: Y.Doc;
  provider: NoteProvider;
  socket: ReturnType<Agent['socket']>;
  /** Plain text of the note (paragraphs joined by newlines). */
  text(): string;
  /** Types text at the end of the note, as one transaction (one update). */
  type(text: string): void;
  /** Resolves when every local edit is acknowledged (stored by the server). */
  saved(timeoutMs?: number): Promise<void>;
  close(): void;
}

export function openNote(
  agent: Agent,
  teamId: string,
  doc: NoteDocName = 'plan',
  opts: { reconnect?: boolean } = {},
): NoteClient {
  const socket = agent.socket(opts);
  const ydoc = new Y.Doc();
  const provider = new NoteProvider(socket as unknown as NoteSocket, { teamId, doc }, ydoc);
  const fragment = ydoc.getXmlFragment(NOTE_FRAGMENT);
  return {
    doc: ydoc,
    provider,
    socket,
    text: () => fragmentText(fragment),
    type(text) {
      ydoc.transact(() => {
        let paragraph = fragment.get(fragment.length - 1) as Y.XmlElement | undefined;
        if (!paragraph) {
          paragraph = new Y.XmlElement('paragraph');
          fragment.push([paragraph]);
          paragraph.push([new Y.XmlText()]);
        }
        const t = paragraph.get(0) as Y.XmlText;
        t.insert(t.length, text);
      });
    },
    saved: (timeoutMs = 10_000) =>
      waitFor(
        () => provider.status === 'saved',
        timeoutMs,
        () => provider.status,
      ),
    close() {
      provider.destroy();
      socket.close();
    },
  };
}

export function fragmentText(fragment: Y.XmlFragment): string {
  return fragment
    .toArray()
    .map((node) =>
      node instanceof Y.XmlElement
        ? node
            .toArray()
            .map((t) => (t instanceof Y.XmlText ? plain(t) : ''))
            .join('')
        : '',
    )
    .join('\n');
}

/**
 * Polls a condition on client state (a provider's status, a document's text) until it holds;
 * the deadline only turns "never" into a failure, so a slow machine makes it wait longer, not
 * fail (nothing to subscribe to covers every such state).
 */
export async function waitFor(
  check: () => boolean,
  timeoutMs = 10_000,
  describe?: () => string,
): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out waiting (${describe?.() ?? ''})`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The characters of a text, without formatting marks. */
function plain(text: Y.XmlText): string {
  return (text.toDelta() as Array<{ insert: unknown }>)
    .map((d) => (typeof d.insert === 'string' ? d.insert : ''))
    .join('');
}
