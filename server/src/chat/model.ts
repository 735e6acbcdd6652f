import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

const { ObjectId } = Schema.Types;

/**
 * One message of a team's conversation (health data: members only). Messages are never edited
 * or deleted by the app; the `_id` orders them (allocated in store order per team, see
 * ChatService.store).
 */
const messageSchema = new Schema(
  {
    teamId: { type: ObjectId, required: true },
    authorId: { type: ObjectId, required: true },
    /** The author's id for this send: a retry with the same id finds this message. */
    clientId: { type: String, required: true },
    /** Empty when the message is attachments only. */
    text: { type: String, default: '' },
    /** Members mentioned in the text (current members when it was sent). */
    mentions: { type: [ObjectId], default: [] },
    /** Documents of the team (documents feature); removing one leaves the message as it is. */
    attachments: { type: [ObjectId], default: [] },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// History pages, catch-up and unread counts are ranges of one team's messages by _id.
messageSchema.index({ teamId: 1, _id: 1 });
// Idempotent sends: a retry after a reconnect can never store the message twice.
messageSchema.index({ teamId: 1, authorId: 1, clientId: 1 }, { unique: true });

/** How far one member has read one team's conversation (one document per pair). */
const readSchema = new Schema(
  {
    teamId: { type: ObjectId, required: true },
    professionalId: { type: ObjectId, required: true },
    lastReadId: { type: ObjectId, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
readSchema.index({ teamId: 1, professionalId: 1 }, { unique: true });
readSchema.index({ professionalId: 1 });

export type MessageDoc = InferSchemaType<typeof messageSchema> & { _id: Types.ObjectId };
export type ChatReadDoc = InferSchemaType<typeof readSchema> & { _id: Types.ObjectId };

export interface ChatModels {
  Message: Model<MessageDoc>;
  ChatRead: Model<ChatReadDoc>;
}

export function registerChatModels(conn: Connection): ChatModels {
  return {
    Message: conn.model<MessageDoc>('Message', messageSchema),
    ChatRead: conn.model<ChatReadDoc>('ChatRead', readSchema),
  };
}
