import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatientGrantView, PatientView } from '../../shared/src/patient-access.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Agent } from '../helpers/http.js';
import { startSmsGateway, type SmsGateway } from '../helpers/smsGateway.js';
import {
  activeTeam,
  expectError,
  expectStatus,
  getSettings,
  type ActiveTeam,
  type Pro,
} from '../teamFactories.js';

/** The patient's SMS channel (docs/patient-access.md), through a local gateway. */

const TOKEN = 'sms-gateway-token-0123456789';
const accessOf = (teamId: string) => `/api/teams/${teamId}/patient-access`;

let mobiles = 0;
/** A distinct mobile number per grant (the app has a database of its own), in three forms. */
function uniqueMobile(): { national: string; e164: string; international: string } {
  const n = String(++mobiles).padStart(2, '0');
  return {
    national: `06 12 34 56 ${n}`,
    international: `+33 6 12 34 56 ${n}`,
    e164: `+336123456${n}`,
  };
}

function smsGrant(pro: Pro, teamId: string, address: string, name = 'Mme Lefebvre') {
  return pro.agent.post<{ grant: PatientGrantView }>(accessOf(teamId), {
    who: 'patient',
    name,
    channel: 'sms',
    address,
    consent: true,
  });
}

async function auditRows(t: TestApp, teamId: string, action: string) {
  return t.db
    .collection('auditentries')
    .find({ teamId: new Types.ObjectId(teamId), action })
    .toArray();
}

describe('the patient’s access by SMS, with a gateway', () => {
  let t: TestApp;
  let gateway: SmsGateway;
  let at: ActiveTeam;
  beforeAll(async () => {
    gateway = await startSmsGateway();
    t = await startTestApp({
      env: { SMS_URL: gateway.url, SMS_TOKEN: TOKEN, PUBLIC_URL: 'https://escap.example.fr' },
    });
    at = await activeTeam(t);
  });
  afterAll(async () => {
    await t?.close();
    await gateway?.close();
  });

  it('the settings say SMS is available', async () => {
    expect((await getSettings(at.creator)).smsAvailable).toBe(true);
  });

  it('a code goes by SMS to the E.164 number, with only the code, and opens the view', async () => {
    const { team, creator } = at;
    const mobile = uniqueMobile();
    const g = expectStatus(await smsGrant(creator, team.id, mobile.national), 201).grant;
    expect(g).toMatchObject({
      channel: 'sms',
      address: mobile.e164,
      consentBy: { id: creator.id },
    });

    const before = gateway.received.length;
    expectStatus(await creator.agent.post(`${accessOf(team.id)}/${g.id}/code`), 200);
    const sms = await gateway.next(mobile.e164, before);
    expect(sms.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sms.headers['content-type']).toMatch(/^application\/json/);
    const code = /votre code d’accès est (\d{4}) (\d{4})\./.exec(sms.text);
    expect(code).not.toBeNull();
    expect(sms.text).toBe(
      `ESCAP : votre code d’accès est ${code![1]} ${code![2]}. Valable 15 minutes, une seule fois, sur https://escap.example.fr/patient. Ne le communiquez à personne.`,
    );
    // Nothing about the patient or the team: neither the grant's name nor the patient's.
    expect(sms.text).not.toContain('Lefebvre');
    expect(sms.text).not.toContain(team.patient.identity.birthName);
    expect(sms.text).not.toContain(creator.input.lastName);

    // The patient types the number in another form than the member did.
    const p = await new Agent(t.baseUrl).init();
    expectStatus(
      await p.post('/api/patient/session', {
        address: mobile.international,
        code: `${code![1]}${code![2]}`,
      }),
      201,
    );
    const view = expectStatus(await p.get<{ view: PatientView }>('/api/patient/view'), 200).view;
    expect(view.members).toHaveLength(3);

    expect(await auditRows(t, team.id, 'patient_access.grant')).toHaveLength(1);
    expect(await auditRows(t, team.id, 'patient_access.code_send')).toHaveLength(1);
    const opened = await auditRows(t, team.id, 'patient_access.open');
    expect(opened.map((r) => String(r.grantId))).toEqual([g.id]);
    const reads = await auditRows(t, team.id, 'patient_view.read');
    expect(reads.map((r) => String(r.grantId))).toEqual([g.id]);
  });

  it('the number may be typed as 0033… or 07…, and is stored in E.164', async () => {
    const { team, creator } = at;
    const g = expectStatus(await smsGrant(creator, team.id, '0033 7 98 76 54 32'), 201).grant;
    expect(g.address).toBe('+33798765432');
    expect(
      expectStatus(await smsGrant(creator, team.id, '07.98.76.54.33'), 201).grant.address,
    ).toBe('+33798765433');
  });

  it('a number that is not a French mobile is refused, in French, and nothing is written', async () => {
    const { team, creator } = at;
    const before = await t.db.collection('patientgrants').countDocuments();
    for (const address of ['01 23 45 67 89', '06 12 34', 'patient@example.org']) {
      const res = await smsGrant(creator, team.id, address);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        error: {
          code: 'validation_failed',
          field: 'address',
          message: 'Le numéro de téléphone portable est invalide.',
        },
      });
    }
    // And the patient's side says the same of a number it cannot read.
    const p = await new Agent(t.baseUrl).init();
    const res = await p.post('/api/patient/session', { address: '06 12', code: '12345678' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { field: 'address', message: 'Le numéro de téléphone portable est invalide.' },
    });
    expect(await t.db.collection('patientgrants').countDocuments()).toBe(before);
  });
});

describe('the patient’s access by SMS, without a gateway', () => {
  let t: TestApp;
  let at: ActiveTeam;
  beforeAll(async () => {
    t = await startTestApp();
    at = await activeTeam(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the settings say SMS is unavailable', async () => {
    expect((await getSettings(at.creator)).smsAvailable).toBe(false);
  });

  it('an SMS grant is refused with sms_unavailable, and nothing is written', async () => {
    const { team, creator } = at;
    expectError(await smsGrant(creator, team.id, '06 12 34 56 78'), 503, 'sms_unavailable');
    expect(await t.db.collection('patientgrants').countDocuments()).toBe(0);
    expect(await auditRows(t, team.id, 'patient_access.grant')).toHaveLength(0);
  });

  it('the code of an SMS grant made before the gateway went away is refused too', async () => {
    const { team, creator } = at;
    // A grant stored while a gateway was configured (another start of the deployment).
    const { insertedId } = await t.db.collection('patientgrants').insertOne({
      teamId: new Types.ObjectId(team.id),
      who: 'patient',
      name: 'M. Petit',
      relationship: null,
      channel: 'sms',
      address: '+33612345678',
      consentAt: new Date(),
      consentBy: new Types.ObjectId(creator.id),
      createdBy: new Types.ObjectId(creator.id),
      createdAt: new Date(),
      revokedAt: null,
      revokedBy: null,
    });
    expectError(
      await creator.agent.post(`${accessOf(team.id)}/${String(insertedId)}/code`),
      503,
      'sms_unavailable',
    );
    expect(await t.db.collection('patientcodes').countDocuments()).toBe(0);
    expect(await auditRows(t, team.id, 'patient_access.code_send')).toHaveLength(0);
  });
});
