import { DOCUMENT_KIND_LABELS, type DocumentKind } from '../../../shared/src/documents.js';
import { PROFESSION_LABELS } from '../../../shared/src/professions.js';
import type { TeamStatus } from '../../../shared/src/rules/activation.js';
import type { ProfessionalRef, TeamView } from '../../../shared/src/views.js';

/**
 * One ESCAP's file as a FHIR R4 Bundle of type "collection" (docs/fhir.md): pure functions from
 * what the export service read to FHIR resources, so the mapping is tested without a database.
 * Every resource is named by a urn:uuid fullUrl and referenced by it; nothing points outside
 * the bundle except the documents' file URLs (the binaries stay in ESCAP, behind its access
 * rules).
 */

export const FR_CORE_PATIENT = 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-patient';
/** The INS built on the NIR (référentiel INS): the OID the ANS gives its identifiers. */
export const INS_NIR_SYSTEM = 'urn:oid:1.2.250.1.213.1.4.8';

export interface ExportPlan {
  version: number;
  objectives: string[];
  actions: { text: string; responsible: ProfessionalRef; rhythm: string }[];
  reviewDate: string;
  createdBy: ProfessionalRef;
  createdAt: string;
}

export interface ExportTask {
  id: string;
  title: string;
  details: string | null;
  assignee: ProfessionalRef;
  due: string;
  status: 'open' | 'done';
  createdBy: ProfessionalRef;
  createdAt: string;
  updatedAt: string;
}

export interface ExportMessage {
  id: string;
  author: ProfessionalRef;
  text: string;
  createdAt: string;
  /** Ids of the team documents attached to it. */
  attachments: string[];
}

export interface ExportDocument {
  id: string;
  title: string;
  kind: DocumentKind;
  date: string;
  fileName: string;
  mime: string;
  size: number;
  author: ProfessionalRef;
  createdAt: string;
}

/** A professional who was a member and left (or was removed): their period ended. */
export interface ExportFormerMember {
  professional: ProfessionalRef;
  joinedAt: string;
  leftAt: string;
}

export interface ExportInput {
  team: TeamView;
  /** Oldest first; a professional who came back has one period per stay. */
  formerMembers: ExportFormerMember[];
  plan: ExportPlan | null;
  tasks: ExportTask[];
  messages: ExportMessage[];
  documents: ExportDocument[];
  /** Where the documents' files are read (an absolute URL of the team's documents route). */
  documentsUrl: string;
  /** When the export was made (ISO). */
  at: string;
}

type Resource = { resourceType: string } & Record<string, unknown>;
interface Reference {
  reference: string;
  display?: string;
}
export interface Bundle {
  resourceType: 'Bundle';
  type: 'collection';
  timestamp: string;
  entry: { fullUrl: string; resource: Resource }[];
}

/**
 * Gives each of our ids its urn:uuid, one per (kind, id), so every reference to a thing is the
 * same string. `uuid` is injected (crypto.randomUUID in the service, a counter in unit tests).
 */
class Ids {
  private readonly byKey = new Map<string, string>();
  constructor(private readonly uuid: () => string) {}
  of(kind: string, id: string): string {
    const key = `${kind}:${id}`;
    let urn = this.byKey.get(key);
    if (!urn) {
      urn = `urn:uuid:${this.uuid()}`;
      this.byKey.set(key, urn);
    }
    return urn;
  }
}

const GENDER = { F: 'female', M: 'male', I: 'other' } as const;

const displayOf = (p: ProfessionalRef) => `${p.firstName} ${p.lastName}`.trim() || undefined;

export function patientResource(team: TeamView): Resource {
  const { identity, ins, contact } = team.patient;
  const names: Record<string, unknown>[] = [
    { use: 'official', family: identity.birthName, given: identity.firstNames.split(/\s+/) },
  ];
  if (identity.usedName) names.push({ use: 'usual', family: identity.usedName });
  const telecom = contact?.phone ? [{ system: 'phone', value: contact.phone }] : undefined;
  return {
    resourceType: 'Patient',
    meta: { profile: [FR_CORE_PATIENT] },
    // Only the INS our model stores: a matricule whose key was checked at entry (insSchema).
    ...(ins
      ? {
          identifier: [
            {
              use: 'official',
              type: {
                coding: [
                  {
                    system: 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203',
                    code: 'INS-NIR',
                  },
                ],
                text: 'INS-NIR',
              },
              system: INS_NIR_SYSTEM,
              value: ins,
            },
          ],
        }
      : {}),
    name: names,
    gender: GENDER[identity.sex],
    birthDate: identity.birthDate,
    ...(telecom ? { telecom } : {}),
  };
}

export function practitionerResource(p: ProfessionalRef): Resource {
  return {
    resourceType: 'Practitioner',
    name: [{ family: p.lastName, given: p.firstName ? [p.firstName] : [] }],
    qualification: [{ code: { text: PROFESSION_LABELS[p.profession] } }],
  };
}

const careTeamStatus = (s: TeamStatus) =>
  s === 'closed'
    ? 'inactive'
    : s === 'pending'
      ? 'proposed'
      : s === 'suspended'
        ? 'suspended'
        : 'active';

/** Builds the whole bundle; `uuid` names every entry. */
export function buildBundle(input: ExportInput, uuid: () => string): Bundle {
  const ids = new Ids(uuid);
  const { team } = input;
  const entries: { fullUrl: string; resource: Resource }[] = [];
  const add = (fullUrl: string, resource: Resource) => entries.push({ fullUrl, resource });

  const patient: Reference = { reference: ids.of('Patient', team.id) };
  add(patient.reference, patientResource(team));

  // Every professional named anywhere becomes one Practitioner.
  const seen = new Map<string, ProfessionalRef>();
  const pro = (p: ProfessionalRef): Reference => {
    if (!seen.has(p.id)) seen.set(p.id, p);
    const display = displayOf(p);
    return { reference: ids.of('Practitioner', p.id), ...(display ? { display } : {}) };
  };

  const careTeam: Reference = { reference: ids.of('CareTeam', team.id) };
  add(careTeam.reference, {
    resourceType: 'CareTeam',
    status: careTeamStatus(team.status),
    name: 'ESCAP',
    subject: patient,
    period: {
      start: team.createdAt,
      ...(team.closure ? { end: team.closure.at } : {}),
    },
    participant: [
      ...team.members.map((m) => ({
        role: [
          {
            text: [
              PROFESSION_LABELS[m.professional.profession],
              ...(m.isMedecinTraitant ? ['médecin traitant'] : []),
              ...(m.isCreator ? ['créateur de l’ESCAP'] : []),
            ].join(', '),
          },
        ],
        member: pro(m.professional),
        period: { start: m.joinedAt },
      })),
      // Who was in the team and left: the same participant with its period closed, so the
      // export says who could read the file when (docs/fhir.md).
      ...input.formerMembers.map((m) => ({
        role: [{ text: PROFESSION_LABELS[m.professional.profession] }],
        member: pro(m.professional),
        period: { start: m.joinedAt, end: m.leftAt },
      })),
    ],
  });

  const consent = team.consent;
  add(ids.of('Consent', team.id), {
    resourceType: 'Consent',
    status: consent.withdrawnAt ? 'inactive' : 'active',
    scope: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/consentscope',
          code: 'patient-privacy',
        },
      ],
    },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }], text: 'Consentement' }],
    patient,
    dateTime: consent.recordedAt,
    performer: [patient],
    policyRule: {
      text: 'Partage entre membres de l’équipe de soins (CSP L.1110-4 et L.1110-12)',
    },
    provision: {
      type: 'permit',
      period: {
        start: consent.date,
        ...(consent.withdrawnAt ? { end: consent.withdrawnAt } : {}),
      },
      actor: [{ role: { text: 'Équipe de soins' }, reference: careTeam }],
    },
  });

  if (input.plan) {
    const plan = input.plan;
    const goals = plan.objectives.map((text, i) => {
      const ref = { reference: ids.of('Goal', `${plan.version}:${i}`) };
      add(ref.reference, {
        resourceType: 'Goal',
        lifecycleStatus: 'active',
        description: { text },
        subject: patient,
      });
      return ref;
    });
    add(ids.of('CarePlan', String(plan.version)), {
      resourceType: 'CarePlan',
      identifier: [{ value: `pps-v${plan.version}` }],
      status: 'active',
      intent: 'plan',
      title: `Projet personnalisé de soins (version ${plan.version})`,
      subject: patient,
      created: plan.createdAt,
      author: pro(plan.createdBy),
      careTeam: [careTeam],
      period: { end: plan.reviewDate },
      goal: goals,
      activity: plan.actions.map((a) => ({
        detail: {
          status: 'in-progress',
          description: a.text,
          scheduledString: a.rhythm,
          performer: [pro(a.responsible)],
          goal: goals,
        },
      })),
    });
  }

  for (const t of input.tasks) {
    add(ids.of('Task', t.id), {
      resourceType: 'Task',
      status: t.status === 'done' ? 'completed' : 'requested',
      intent: 'order',
      description: t.title,
      for: patient,
      authoredOn: t.createdAt,
      lastModified: t.updatedAt,
      requester: pro(t.createdBy),
      owner: pro(t.assignee),
      restriction: { period: { end: t.due } },
      ...(t.details ? { note: [{ text: t.details }] } : {}),
    });
  }

  const documentRefs = new Set(input.documents.map((d) => d.id));
  for (const d of input.documents) {
    add(ids.of('DocumentReference', d.id), {
      resourceType: 'DocumentReference',
      status: 'current',
      type: { text: DOCUMENT_KIND_LABELS[d.kind] },
      subject: patient,
      date: d.createdAt,
      author: [pro(d.author)],
      description: d.title,
      context: { period: { start: d.date } },
      content: [
        {
          attachment: {
            contentType: d.mime,
            url: `${input.documentsUrl}/${d.id}/file`,
            size: d.size,
            title: d.fileName,
            creation: d.date,
          },
        },
      ],
    });
  }

  for (const m of input.messages) {
    // An attachment whose document was removed since is not in the bundle: left out.
    const attached = m.attachments
      .filter((id) => documentRefs.has(id))
      .map((id) => ({ contentReference: { reference: ids.of('DocumentReference', id) } }));
    const payload = [...(m.text ? [{ contentString: m.text }] : []), ...attached];
    add(ids.of('Communication', m.id), {
      resourceType: 'Communication',
      status: 'completed',
      subject: patient,
      sent: m.createdAt,
      sender: pro(m.author),
      recipient: [careTeam],
      ...(payload.length ? { payload } : {}),
    });
  }

  for (const p of seen.values()) add(ids.of('Practitioner', p.id), practitionerResource(p));

  return { resourceType: 'Bundle', type: 'collection', timestamp: input.at, entry: entries };
}
