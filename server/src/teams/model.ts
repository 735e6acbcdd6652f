import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { TEAM_STATUSES } from '../../../shared/src/rules/activation.js';
import {
  CONSENT_METHODS,
  ELIGIBILITY_CATEGORIES,
  SEXES,
} from '../../../shared/src/schemas/patient.js';
import { CLOSURE_REASONS } from '../../../shared/src/schemas/teams.js';

const { ObjectId } = Schema.Types;

/**
 * An ESCAP: one patient's care team. The current status is kept here for listing; every change
 * of it is also an event in `teamstatusevents` (the participation ledger reads that history),
 * written in the same transaction.
 */
const teamSchema = new Schema(
  {
    createdBy: { type: ObjectId, required: true },
    /** Designated médecin traitant: a registered physician, or an e-mail awaiting sign-up. */
    medecinTraitantId: { type: ObjectId, default: null },
    medecinTraitantEmail: { type: String, default: null },
    status: { type: String, enum: TEAM_STATUSES, required: true },
    /**
     * Bumped by every command on the team, first thing in its transaction (teams/state.ts):
     * the status is a compare-and-set on it, and two commands on one team never interleave.
     */
    revision: { type: Number, default: 0 },
    everActive: { type: Boolean, default: false },
    termNumber: { type: Number, default: 0 },
    termStartedAt: { type: Date, default: null },
    termEndsAt: { type: Date, default: null },
    consent: {
      type: new Schema(
        {
          date: { type: String, required: true },
          method: { type: String, enum: CONSENT_METHODS, required: true },
          recordedBy: { type: ObjectId, required: true },
          recordedAt: { type: Date, required: true },
          withdrawnAt: { type: Date, default: null },
          withdrawnBy: { type: ObjectId, default: null },
        },
        { _id: false },
      ),
      required: true,
    },
    closure: {
      type: new Schema(
        {
          reason: { type: String, enum: CLOSURE_REASONS, required: true },
          comment: { type: String },
          at: { type: Date, required: true },
          by: { type: ObjectId, required: true },
        },
        { _id: false },
      ),
      default: null,
    },
  },
  { timestamps: true, versionKey: false },
);

/** The patient file of a team (its `_id` is the team's): health data, read by members only. */
const patientSchema = new Schema(
  {
    identity: {
      birthName: { type: String, required: true },
      firstNames: { type: String, required: true },
      usedName: { type: String },
      sex: { type: String, enum: SEXES, required: true },
      birthDate: { type: String, required: true },
      birthPlaceCode: { type: String, required: true },
    },
    ins: { type: String, default: null },
    contact: { phone: { type: String }, address: { type: String } },
  },
  { timestamps: true, versionKey: false },
);

/**
 * Each inclusion scoring (creation, then each renewal), with the grid version, every factor's
 * points and the scale in force then. Inclusions from before the guided grid have no factors
 * (and may have the `autre` category with its motive).
 */
const inclusionSchema = new Schema(
  {
    teamId: { type: ObjectId, required: true },
    category: { type: String, enum: ELIGIBILITY_CATEGORIES, required: true },
    otherReason: { type: String },
    gridVersion: { type: String, required: true },
    pregnant: { type: Boolean, default: false },
    factors: {
      type: [
        new Schema(
          {
            factorId: { type: String, required: true },
            levelId: { type: String, required: true },
            points: { type: Number, required: true },
          },
          { _id: false },
        ),
      ],
      default: undefined,
    },
    score: { type: Number, required: true },
    threshold: { type: Number, required: true },
    gridItems: { type: Number, required: true },
    recordedBy: { type: ObjectId, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
inclusionSchema.index({ teamId: 1, at: 1 });

/**
 * A membership period: joined, and left (null while current). Its own document, not an array
 * in the team (docs/database.md): the ledger needs the periods, and no array is ever mutated.
 * The unique index allows one current period per professional and team (leftAt null) and any
 * number of past ones.
 */
const membershipSchema = new Schema(
  {
    teamId: { type: ObjectId, required: true },
    professionalId: { type: ObjectId, required: true },
    isCreator: { type: Boolean, default: false },
    joinedAt: { type: Date, required: true },
    leftAt: { type: Date, default: null },
    leftReason: { type: String, enum: ['left', 'removed', null], default: null },
  },
  { versionKey: false },
);
membershipSchema.index({ teamId: 1, professionalId: 1, leftAt: 1 }, { unique: true });
membershipSchema.index({ professionalId: 1, leftAt: 1 });

/** Every status change of a team, with its time. */
const statusEventSchema = new Schema(
  {
    teamId: { type: ObjectId, required: true },
    status: { type: String, enum: TEAM_STATUSES, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
statusEventSchema.index({ teamId: 1, at: 1 });

export type TeamDoc = InferSchemaType<typeof teamSchema> & { _id: Types.ObjectId; createdAt: Date };
export type PatientDoc = InferSchemaType<typeof patientSchema> & { _id: Types.ObjectId };
export type InclusionDoc = InferSchemaType<typeof inclusionSchema> & { _id: Types.ObjectId };
export type MembershipDoc = InferSchemaType<typeof membershipSchema> & { _id: Types.ObjectId };
export type StatusEventDoc = InferSchemaType<typeof statusEventSchema> & { _id: Types.ObjectId };

export interface TeamModels {
  Team: Model<TeamDoc>;
  Patient: Model<PatientDoc>;
  Inclusion: Model<InclusionDoc>;
  Membership: Model<MembershipDoc>;
  StatusEvent: Model<StatusEventDoc>;
}

export function registerTeamModels(conn: Connection): TeamModels {
  return {
    Team: conn.model<TeamDoc>('Team', teamSchema),
    Patient: conn.model<PatientDoc>('Patient', patientSchema),
    Inclusion: conn.model<InclusionDoc>('Inclusion', inclusionSchema),
    Membership: conn.model<MembershipDoc>('Membership', membershipSchema),
    StatusEvent: conn.model<StatusEventDoc>('TeamStatusEvent', statusEventSchema),
  };
}
