import { Schema, Types, type Connection, type Model } from 'mongoose';
import {
  DEFAULT_PUSH_PREFERENCES,
  PUSH_EVENTS,
  type PushEvent,
  type PushPreferences,
} from '../../../../shared/src/push.js';

/**
 * One professional's push settings (docs/notifications.md, "Push settings"). No row: the
 * defaults. Events absent from a row (an event added after it was saved) take the default.
 */
const pushPreferenceSchema = new Schema(
  {
    professionalId: { type: Schema.Types.ObjectId, required: true },
    events: { type: Schema.Types.Mixed, required: true },
    quietStart: { type: String, default: null },
    quietEnd: { type: String, default: null },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
pushPreferenceSchema.index({ professionalId: 1 }, { unique: true });

/**
 * A team whose pushes one professional turned off (the in-app notifications stay). One row
 * per team: muting and unmuting are an upsert and a delete, each safe to repeat.
 */
const pushMuteSchema = new Schema(
  {
    professionalId: { type: Schema.Types.ObjectId, required: true },
    teamId: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
pushMuteSchema.index({ professionalId: 1, teamId: 1 }, { unique: true });

export interface PushMuteDoc {
  _id: Types.ObjectId;
  professionalId: Types.ObjectId;
  teamId: Types.ObjectId;
  createdAt: Date;
}

export interface PushPreferenceDoc {
  _id: Types.ObjectId;
  professionalId: Types.ObjectId;
  events: Partial<Record<PushEvent, boolean>>;
  quietStart: string | null;
  quietEnd: string | null;
  updatedAt: Date;
}

export interface PushSettingsModels {
  PushPreference: Model<PushPreferenceDoc>;
  PushMute: Model<PushMuteDoc>;
}

export function registerPushSettingsModels(conn: Connection): PushSettingsModels {
  return {
    PushPreference: conn.model<PushPreferenceDoc>('PushPreference', pushPreferenceSchema),
    PushMute: conn.model<PushMuteDoc>('PushMute', pushMuteSchema),
  };
}

/** What the sink needs to decide for one recipient. */
export interface RecipientSettings {
  preferences: PushPreferences;
  mutedTeamIds: Set<string>;
}

function toPreferences(doc: PushPreferenceDoc | null): PushPreferences {
  if (!doc) return DEFAULT_PUSH_PREFERENCES;
  const events = Object.fromEntries(
    PUSH_EVENTS.map((e) => [e, doc.events[e] ?? DEFAULT_PUSH_PREFERENCES.events[e]]),
  ) as Record<PushEvent, boolean>;
  const quietHours =
    doc.quietStart && doc.quietEnd ? { start: doc.quietStart, end: doc.quietEnd } : null;
  return { events, quietHours };
}

/** Reads and writes push settings; every query carries the professional's own id. */
export class PushSettingsStore {
  constructor(private readonly deps: PushSettingsModels & { now: () => Date }) {}

  async get(professionalId: string): Promise<PushPreferences> {
    return toPreferences(await this.find(professionalId));
  }

  async set(professionalId: string, prefs: PushPreferences): Promise<PushPreferences> {
    await this.deps.PushPreference.updateOne(
      { professionalId: new Types.ObjectId(professionalId) },
      {
        $set: {
          events: prefs.events,
          quietStart: prefs.quietHours?.start ?? null,
          quietEnd: prefs.quietHours?.end ?? null,
          updatedAt: this.deps.now(),
        },
      },
      { upsert: true },
    );
    return this.get(professionalId);
  }

  async isMuted(professionalId: string, teamId: Types.ObjectId): Promise<boolean> {
    const found = await this.deps.PushMute.exists({
      professionalId: new Types.ObjectId(professionalId),
      teamId,
    });
    return found != null;
  }

  async setMuted(professionalId: string, teamId: Types.ObjectId, muted: boolean): Promise<void> {
    const key = { professionalId: new Types.ObjectId(professionalId), teamId };
    if (muted) {
      await this.deps.PushMute.updateOne(
        key,
        { $setOnInsert: { createdAt: this.deps.now() } },
        { upsert: true },
      );
    } else {
      await this.deps.PushMute.deleteOne(key);
    }
  }

  /** The settings of several recipients in one read (absent: the defaults). */
  async forRecipients(ids: string[]): Promise<Map<string, RecipientSettings>> {
    const professionalId = { $in: ids.map((id) => new Types.ObjectId(id)) };
    const [docs, mutes] = await Promise.all([
      this.deps.PushPreference.find({ professionalId }).lean<PushPreferenceDoc[]>(),
      this.deps.PushMute.find({ professionalId }).lean<PushMuteDoc[]>(),
    ]);
    const byId = new Map(docs.map((d) => [String(d.professionalId), d]));
    const muted = new Map<string, Set<string>>();
    for (const m of mutes) {
      const own = muted.get(String(m.professionalId)) ?? new Set<string>();
      own.add(String(m.teamId));
      muted.set(String(m.professionalId), own);
    }
    return new Map(
      ids.map((id) => {
        const doc = byId.get(id) ?? null;
        return [
          id,
          {
            preferences: toPreferences(doc),
            mutedTeamIds: muted.get(id) ?? new Set<string>(),
          },
        ];
      }),
    );
  }

  private find(professionalId: string): Promise<PushPreferenceDoc | null> {
    return this.deps.PushPreference.findOne({
      professionalId: new Types.ObjectId(professionalId),
    }).lean<PushPreferenceDoc>();
  }
}
