import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { TASK_STATUSES } from '../../../shared/src/tasks.js';

const { ObjectId } = Schema.Types;

/**
 * A task of a team. `version` makes every change a compare-and-set: a write based on an older
 * version matches nothing and is refused (409 task_conflict) instead of overwriting.
 */
const taskSchema = new Schema(
  {
    teamId: { type: ObjectId, required: true },
    /** May be health data: never logged, never in audit details or notifications. */
    title: { type: String, required: true },
    details: { type: String, default: null },
    assigneeId: { type: ObjectId, required: true },
    /** Calendar day YYYY-MM-DD: compared as a string (same order as the days). */
    due: { type: String, required: true },
    status: { type: String, enum: TASK_STATUSES, required: true },
    doneBy: { type: ObjectId, default: null },
    doneAt: { type: Date, default: null },
    createdBy: { type: ObjectId, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    version: { type: Number, required: true },
  },
  { versionKey: false },
);
// The list: open tasks by due day, done ones by completion; the summary counts open ones.
taskSchema.index({ teamId: 1, status: 1, due: 1 });
taskSchema.index({ teamId: 1, status: 1, doneAt: -1 });

export type TaskDoc = InferSchemaType<typeof taskSchema> & { _id: Types.ObjectId };

export function registerTaskModel(conn: Connection): Model<TaskDoc> {
  return conn.model<TaskDoc>('Task', taskSchema);
}
