import { Types } from 'mongoose';
import { CHAT_LIMITS } from '../../../shared/src/chat.js';
import type { ChatModels } from './model.js';

/**
 * Unread counts for "Mes ESCAP": per team, the messages by others after the professional's last
 * read. One query for the read positions, then one count per team that walks the
 * (teamId, _id) index from the last read on and stops at the cap, so the cost is bounded by
 * the cap whatever the size of the history. It needs no team service, so the team list can use
 * it without a dependency cycle (the chat service needs the team service).
 */
export class ChatUnread {
  constructor(private readonly models: ChatModels) {}

  async counts(professionalId: string, teamIds: Types.ObjectId[]): Promise<Map<string, number>> {
    const me = new Types.ObjectId(professionalId);
    const reads = await this.models.ChatRead.find({
      professionalId: me,
      teamId: { $in: teamIds },
    }).lean();
    const lastRead = new Map(reads.map((r) => [String(r.teamId), r.lastReadId]));
    const counts = await Promise.all(
      teamIds.map(async (teamId) => {
        const after = lastRead.get(String(teamId));
        const n = await this.models.Message.countDocuments(
          { teamId, authorId: { $ne: me }, ...(after ? { _id: { $gt: after } } : {}) },
          { limit: CHAT_LIMITS.unreadCap },
        );
        return [String(teamId), n] as const;
      }),
    );
    return new Map(counts);
  }
}
