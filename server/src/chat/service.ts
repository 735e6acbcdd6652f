import { Types, type Model } from 'mongoose';
import {
  mentionText,
  normalizeText,
  textProblem,
  type ChatPageQuery,
  type ChatSend,
  type MessagePageView,
  type MessageView,
  type ReadReceiptView,
} from '../../../shared/src/chat.js';
import type { DocumentView, MessageAttachment } from '../../../shared/src/documents.js';
import type { Professional } from '../../../shared/src/schemas/auth.js';
import type { ProfessionalRef } from '../../../shared/src/views.js';
import type { ProfessionalDoc } from '../auth/model.js';
import { isDuplicateKey } from '../db/errors.js';
import { GroupCommit } from '../db/group-commit.js';
import type { Contributions } from '../contributions/service.js';
import { AppError, notFound } from '../http/errors.js';
import { safeError, type Logger } from '../logger.js';
import type { Notifications } from '../notifications/service.js';
import { rooms, type AppServer } from '../realtime/io.js';
import type { MemberContext } from '../teams/access.js';
import { authorize } from '../teams/policy.js';
import type { TeamService } from '../teams/service.js';
import { loadRefs } from '../teams/views.js';
import type { ChatModels, MessageDoc } from './model.js';
import { AuthorReads } from './reads.js';
import { ChatUnread } from './unread.js';

export interface ChatServiceDeps {
  models: ChatModels;
  Professional: Model<ProfessionalDoc>;
  teams: TeamService;
  io: AppServer;
  notifications: Notifications;
  contributions: Contributions;
  /** The team's documents a message may attach (documents feature). */
  attachments: AttachmentSource;
  logger: Logger;
  now: () => Date;
}

/** What the conversation asks of the documents feature. */
export interface AttachmentSource {
  /** The live documents of the member's team with these ids, in order; else attachment_invalid. */
  attachable(ctx: MemberContext, ids: string[]): Promise<DocumentView[]>;
  /** Attachments as they are now (a removed one: `document: null`). */
  attachments(
    teamId: Types.ObjectId,
    ids: Types.ObjectId[],
  ): Promise<Map<string, MessageAttachment>>;
}

const toError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

interface Outcome {
  doc: MessageDoc;
  created: boolean;
}

/** What a listener hears of a stored message: ids only, never its text. */
export interface StoredMessage {
  teamId: string;
  authorId: string;
  mentions: string[];
  /** The team's current members, read when asked. */
  members: () => Promise<string[]>;
}

interface PendingSend {
  ctx: MemberContext;
  fields: Pick<
    MessageDoc,
    'teamId' | 'authorId' | 'clientId' | 'text' | 'mentions' | 'attachments'
  >;
  /** The attachments' views, checked before the insert (the live event carries them). */
  attached: MessageAttachment[];
}

/**
 * The team conversation. Every method takes the acting member's context, resolved per request
 * or socket event by `TeamService.member` (404 for anyone but a current member). A message is stored before anyone hears of it: the author's
 * acknowledgement and the live event both follow the insert, so nothing acknowledged or shown
 * can be lost.
 */
export class ChatService {
  private readonly now: () => Date;
  /** Sends grouped into batch inserts (see `store`). */
  private readonly writes = new GroupCommit<PendingSend, Outcome>((batch) =>
    this.writeBatch(batch),
  );
  private readonly unreadCounter: ChatUnread;
  /** The authors' read positions on send, grouped into bulk writes. */
  private readonly authorReads: AuthorReads;
  private readonly stored: ((m: StoredMessage) => void)[] = [];

  constructor(private readonly deps: ChatServiceDeps) {
    this.now = deps.now;
    this.unreadCounter = new ChatUnread(deps.models);
    this.authorReads = new AuthorReads(deps.models.ChatRead);
  }

  /**
   * Set at wiring: told of every new message once stored (push to the phones of the team's
   * members, docs/notifications.md); chat does not depend on push.
   */
  onStored(listener: (m: StoredMessage) => void): void {
    this.stored.push(listener);
  }

  /** The context of a socket event's sender (404 unless a current member). */
  member(actor: Professional, teamId: string): Promise<MemberContext> {
    return this.deps.teams.member(actor, teamId);
  }

  /**
   * `opts.turn`, when given, is awaited once the message is checked and before it takes its
   * place in the write queue; `opts.onQueued` is called once it has that place. A socket uses
   * them to keep its messages in the order it sent them while their checks run side by side
   * (`chat/socket.ts`).
   */
  async send(
    ctx: MemberContext,
    input: Omit<ChatSend, 'teamId'>,
    opts: { turn?: () => Promise<void>; onQueued?: () => void } = {},
  ): Promise<MessageView> {
    authorize(ctx, 'message.send');
    const text = normalizeText(input.text).trim();
    const problem = textProblem(text, input.attachments.length);
    if (problem) throw new AppError(problem, { field: 'text' });

    const key = { teamId: ctx.team._id, authorId: ctx.actorId, clientId: input.clientId };
    // A retry (reconnect, lost acknowledgement) hits the unique index in `store`, which answers
    // what was stored; nothing after it runs twice. No look-up first: one round trip less on
    // every send, the common case.
    const [mentions, documents] = await Promise.all([
      this.currentMentions(ctx, text, input.mentions),
      this.deps.attachments.attachable(ctx, input.attachments),
    ]);
    const attached = documents.map((d) => ({ id: d.id, document: d }));
    await opts.turn?.();
    const storing = this.store(
      ctx,
      {
        ...key,
        text,
        mentions: mentions.map((id) => new Types.ObjectId(id)),
        attachments: attached.map((a) => new Types.ObjectId(a.id)),
      },
      attached,
    );
    opts.onQueued?.();
    const stored = await storing;
    if (!stored.created) {
      const now = await this.attachmentsOf([stored.doc]);
      return this.viewOf(stored.doc, ctx.actor, now);
    }
    const view = this.viewOf(stored.doc, ctx.actor, attached);
    await this.afterSend(ctx, view);
    return view;
  }

  /**
   * Inserts, then emits to the team room. Sends are grouped: those that arrive while a write
   * is in flight go out together in the next `insertMany`, whatever their team, so a busy
   * platform costs a few inserts a second, not one per message. Ids are allocated when a batch
   * is written, in arrival order, and batches are written one after the other on this instance,
   * so `_id` order is store order: a client catching up "after its last id" cannot miss a
   * message that was stored late with a smaller id. (Across instances ids of the same second
   * may interleave; clients insert by id and dedupe, and catch up on every reconnect.)
   */
  private store(
    ctx: MemberContext,
    fields: PendingSend['fields'],
    attached: MessageAttachment[],
  ): Promise<Outcome> {
    return this.writes.push({ ctx, fields, attached });
  }

  /** Ids given now, in arrival order; each stored message is emitted before its sender hears. */
  private async writeBatch(batch: PendingSend[]): Promise<(Outcome | Error)[]> {
    const docs: MessageDoc[] = batch.map((b) => ({
      _id: new Types.ObjectId(),
      ...b.fields,
      createdAt: this.now(),
    }));
    const outcomes = await this.insertAll(docs);
    batch.forEach((b, i) => {
      const outcome = outcomes[i];
      if (outcome && !(outcome instanceof Error) && outcome.created) {
        this.deps.io
          .to(rooms.team(String(outcome.doc.teamId)))
          .emit('chat:message', this.viewOf(outcome.doc, b.ctx.actor, b.attached));
      }
    });
    return outcomes;
  }

  /**
   * Writes a batch; per message: stored (created), already there under the same client id
   * (the other send's message), or the error. When the batch insert fails part-way, which
   * messages went in is asked of the database itself (engines differ in what a bulk error
   * reports), and the others are written one by one.
   */
  private async insertAll(docs: MessageDoc[]): Promise<(Outcome | Error)[]> {
    const { Message } = this.deps.models;
    try {
      await Message.insertMany(docs, { ordered: true });
      return docs.map((doc) => ({ doc, created: true }));
    } catch (err) {
      const present = await Message.find({ _id: { $in: docs.map((d) => d._id) } })
        .lean<MessageDoc[]>()
        .catch(() => [] as MessageDoc[]);
      const ids = new Set(present.map((d) => String(d._id)));
      const outcomes: (Outcome | Error)[] = [];
      for (const doc of docs) {
        if (ids.has(String(doc._id))) outcomes.push({ doc, created: true });
        else outcomes.push(await this.insertOne(doc).catch((e: unknown) => toError(e ?? err)));
      }
      return outcomes;
    }
  }

  private async insertOne(doc: MessageDoc): Promise<Outcome> {
    const { Message } = this.deps.models;
    try {
      await Message.create(doc);
      return { doc, created: true };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // The same send arrived twice at once: the other insert won, answer its message.
      const winner = await Message.findOne({
        teamId: doc.teamId,
        authorId: doc.authorId,
        clientId: doc.clientId,
      }).lean<MessageDoc>();
      if (!winner) throw err;
      return { doc: winner, created: false };
    }
  }

  /**
   * What follows a stored message: audit, contribution for the ledger, mention notifications,
   * and the author's own read position. The message is already stored and delivered, so a
   * failure here is logged, never reported as a failed send (the retry would find it stored and
   * skip these anyway).
   */
  private async afterSend(ctx: MemberContext, view: MessageView): Promise<void> {
    const at = new Date(view.createdAt);
    const results = await Promise.allSettled([
      this.deps.teams.audit(ctx, 'message.send', view.id),
      this.deps.contributions.record(ctx.team._id, ctx.actorId, 'message', at),
      view.mentions.length > 0
        ? this.deps.notifications.notify(view.mentions, {
            kind: 'mention',
            teamId: ctx.team._id,
            actorId: ctx.actorId,
            data: { messageId: view.id },
          })
        : Promise.resolve(),
      // Not announced: every client moves the author's position on `chat:message` itself, which
      // spares the room a second event per message. Grouped: one bulk write per drain.
      this.authorReads.advance({
        teamId: ctx.team._id,
        professionalId: ctx.actorId,
        lastReadId: new Types.ObjectId(view.id),
        at,
      }),
    ]);
    for (const r of results) {
      if (r.status === 'rejected')
        this.deps.logger.error({ err: safeError(r.reason) }, 'after message send failed');
    }
    const teamId = ctx.team._id;
    for (const listener of this.stored) {
      listener({
        teamId: String(teamId),
        authorId: ctx.actor.id,
        mentions: view.mentions,
        members: () => this.deps.teams.currentMemberIds(teamId),
      });
    }
  }

  /**
   * Keeps the mentioned ids that are current members other than the author and whose
   * `@Prénom Nom` is in the text: a stale completion or a forged id notifies nobody.
   */
  private async currentMentions(
    ctx: MemberContext,
    text: string,
    ids: string[],
  ): Promise<string[]> {
    const wanted = new Set(ids.filter((id) => id !== ctx.actor.id));
    if (wanted.size === 0) return [];
    const members = await this.deps.teams.currentMemberIds(ctx.team._id);
    const candidates = members.filter((id) => wanted.has(id));
    const ref = await loadRefs(this.deps.Professional, candidates);
    return candidates.filter((id) => text.includes(mentionText(ref(id))));
  }

  /** A page of history, in chronological order (see MessagePageView). Allowed read-only. */
  async page(ctx: MemberContext, query: ChatPageQuery): Promise<MessagePageView> {
    const { Message } = this.deps.models;
    const team = ctx.team._id;
    const forward = query.after !== undefined;
    const filter = forward
      ? { teamId: team, _id: { $gt: new Types.ObjectId(query.after) } }
      : query.before
        ? { teamId: team, _id: { $lt: new Types.ObjectId(query.before) } }
        : { teamId: team };
    // One more than asked tells whether the page is the last one.
    const docs = await Message.find(filter)
      .sort({ _id: forward ? 1 : -1 })
      .limit(query.limit + 1)
      .lean<MessageDoc[]>();
    const more = docs.length > query.limit;
    const page = docs.slice(0, query.limit);
    if (!forward) page.reverse();
    await this.deps.teams.audit(ctx, 'message.list');
    const [ref, attachments] = await Promise.all([
      loadRefs(
        this.deps.Professional,
        page.map((d) => d.authorId),
      ),
      this.attachmentsOf(page),
    ]);
    const edge = forward ? page.at(-1) : page[0];
    return {
      messages: page.map((d) => toView(d, ref(d.authorId), attachments)),
      nextCursor: more && edge ? String(edge._id) : null,
    };
  }

  /** My unread count in one team (the team page's link to the conversation). */
  async unread(ctx: MemberContext): Promise<number> {
    const counts = await this.unreadCounter.counts(ctx.actor.id, [ctx.team._id]);
    return counts.get(String(ctx.team._id)) ?? 0;
  }

  /** Read positions of the current members (also on read-only teams). */
  async reads(ctx: MemberContext): Promise<ReadReceiptView[]> {
    const [reads, members] = await Promise.all([
      this.deps.models.ChatRead.find({ teamId: ctx.team._id }).lean(),
      this.deps.teams.currentMemberIds(ctx.team._id),
    ]);
    const current = new Set(members);
    return reads
      .filter((r) => current.has(String(r.professionalId)))
      .map((r) => ({
        teamId: String(r.teamId),
        professionalId: String(r.professionalId),
        messageId: String(r.lastReadId),
        at: r.at.toISOString(),
      }));
  }

  /**
   * Marks the conversation read up to a message of this team (404 for any other id). Reading
   * is allowed on read-only teams. Answers the member's read position, which never moves back.
   */
  async markRead(ctx: MemberContext, messageId: string): Promise<ReadReceiptView> {
    const id = new Types.ObjectId(messageId);
    const exists = await this.deps.models.Message.exists({ _id: id, teamId: ctx.team._id });
    if (!exists) throw notFound();
    return this.advanceRead(ctx, id, this.now());
  }

  /** Moves the member's read position forward (never back) and tells the team and the member. */
  private async advanceRead(
    ctx: MemberContext,
    messageId: Types.ObjectId,
    at: Date,
  ): Promise<ReadReceiptView> {
    const { ChatRead } = this.deps.models;
    const key = { teamId: ctx.team._id, professionalId: ctx.actorId };
    // No $max on every engine (docs/database.md): a conditional update, else a first insert.
    const forward = () =>
      ChatRead.updateOne(
        { ...key, lastReadId: { $lt: messageId } },
        { $set: { lastReadId: messageId, at } },
      );
    const moved = await forward();
    let changed = moved.modifiedCount > 0;
    if (moved.matchedCount === 0) {
      try {
        await ChatRead.create({ ...key, lastReadId: messageId, at });
        changed = true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Another write created the first position meanwhile (another tab, or the grouped
        // position of a send), maybe an older one: move it forward if it is behind.
        changed = (await forward()).modifiedCount > 0;
      }
    }
    const current = changed ? { lastReadId: messageId, at } : await ChatRead.findOne(key).lean();
    const receipt: ReadReceiptView = {
      teamId: String(ctx.team._id),
      professionalId: ctx.actor.id,
      messageId: String(current?.lastReadId ?? messageId),
      at: (current?.at ?? at).toISOString(),
    };
    if (changed) {
      // The member's other tabs (and "Mes ESCAP") follow too, even on a read-only team.
      this.deps.io
        .to([rooms.team(receipt.teamId), rooms.user(ctx.actor.id)])
        .emit('chat:read', receipt);
    }
    return receipt;
  }

  /** The current state of the attachments of stored messages (of one team), by id. */
  private async attachmentsOf(docs: MessageDoc[]): Promise<Map<string, MessageAttachment>> {
    const ids = docs.flatMap((d) => d.attachments ?? []);
    if (ids.length === 0) return new Map();
    return this.deps.attachments.attachments(docs[0]!.teamId, ids);
  }

  private viewOf(
    doc: MessageDoc,
    author: Professional,
    attached: MessageAttachment[] | Map<string, MessageAttachment>,
  ): MessageView {
    const ref: ProfessionalRef = {
      id: author.id,
      firstName: author.firstName,
      lastName: author.lastName,
      profession: author.profession,
    };
    const byId = Array.isArray(attached) ? new Map(attached.map((a) => [a.id, a])) : attached;
    return toView(doc, ref, byId);
  }
}

function toView(
  doc: MessageDoc,
  author: ProfessionalRef,
  attachments: Map<string, MessageAttachment>,
): MessageView {
  return {
    id: String(doc._id),
    teamId: String(doc.teamId),
    clientId: doc.clientId,
    author,
    text: doc.text,
    mentions: (doc.mentions ?? []).map(String),
    attachments: (doc.attachments ?? []).map(
      (id) => attachments.get(String(id)) ?? { id: String(id), document: null },
    ),
    createdAt: doc.createdAt.toISOString(),
  };
}
