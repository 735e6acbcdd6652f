import { describe, expect, it } from 'vitest';
import { ApiError, NETWORK_ERROR_MESSAGE } from '../../lib/api.js';
import {
  CODE_REFUSED,
  SESSION_ENDED,
  codeSentNotice,
  emptyGrant,
  grantAddress,
  grantInput,
  grantRole,
  signInErrors,
  signInInput,
  viewFailure,
} from './patient-access.js';

const apiError = (code: ConstructorParameters<typeof ApiError>[0], status: number) =>
  new ApiError(code, `message of ${code}`, status);

describe('the grant form', () => {
  it('sends no relationship for the patient themself, and the consent as ticked', () => {
    const values = {
      ...emptyGrant(),
      name: 'Mme Martin',
      relationship: 'fille',
      address: 'a@b.fr',
    };
    expect(grantInput(values)).toEqual({
      who: 'patient',
      name: 'Mme Martin',
      relationship: null,
      channel: 'email',
      address: 'a@b.fr',
      consent: false,
    });
    expect(grantInput({ ...values, who: 'carer', consent: true })).toMatchObject({
      who: 'carer',
      relationship: 'fille',
      consent: true,
    });
    expect(grantInput({ ...values, who: 'carer', relationship: '  ' }).relationship).toBeNull();
  });

  it('names who holds the access, and confirms a code without showing it', () => {
    expect(grantRole({ who: 'patient', relationship: null })).toBe('Le patient');
    expect(grantRole({ who: 'carer', relationship: 'fille' })).toBe('Aidant·e (fille)');
    expect(grantRole({ who: 'carer', relationship: null })).toBe('Aidant·e');
    const notice = codeSentNotice({ channel: 'email', address: 'a@b.fr' });
    expect(notice).toContain('a@b.fr');
    expect(notice).toContain('15 minutes');
    expect(notice).not.toMatch(/\d{8}/);
  });

  it('sends the channel chosen, and shows a mobile number as French people write it', () => {
    const values = { ...emptyGrant(), name: 'M. Petit', channel: 'sms' as const };
    expect(grantInput({ ...values, address: '06 12 34 56 78' })).toMatchObject({
      channel: 'sms',
      address: '06 12 34 56 78',
    });
    const grant = { channel: 'sms' as const, address: '+33612345678' };
    expect(grantAddress(grant)).toBe('06 12 34 56 78');
    expect(grantAddress({ channel: 'email', address: 'a@b.fr' })).toBe('a@b.fr');
    expect(codeSentNotice(grant)).toBe(
      'Un code d’accès a été envoyé par SMS au 06 12 34 56 78. Il est valable 15 minutes et ne sert qu’une fois.',
    );
  });
});

describe('the patient’s code form', () => {
  it('sends the address normalised and the code without its spaces', () => {
    expect(signInInput({ address: ' Marie@Example.org ', code: '1234 5678' })).toEqual({
      ok: true,
      address: 'marie@example.org',
      code: '12345678',
    });
  });

  it('takes a mobile number in the same field, in any usual form, as E.164', () => {
    for (const address of ['06 12 34 56 78', '+33 6 12 34 56 78', '0033612345678'])
      expect(signInInput({ address, code: '12345678' })).toEqual({
        ok: true,
        address: '+33612345678',
        code: '12345678',
      });
    const result = signInInput({ address: '06 12 34', code: '12345678' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.fields.address).toBe('Le numéro de téléphone portable est invalide.');
  });

  it('names the fields to correct and sends nothing', () => {
    const result = signInInput({ address: 'pas une adresse', code: '1234' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors.fields).sort()).toEqual(['address', 'code']);
    expect(result.errors.fields.code).toBe('Le code compte 8 chiffres.');
  });

  it('puts a refused code on the code field, with every reason and what to do', () => {
    expect(signInErrors(apiError('patient_code_invalid', 401))).toEqual({
      fields: { code: CODE_REFUSED },
      form: null,
    });
    expect(CODE_REFUSED).toContain('5 essais');
    expect(CODE_REFUSED).toContain('nouveau code');
    // Throttled or unreachable: the server's French message, about the whole form.
    expect(signInErrors(apiError('rate_limited', 429))).toEqual({
      fields: {},
      form: 'message of rate_limited',
    });
    expect(signInErrors(new ApiError('network', NETWORK_ERROR_MESSAGE, 0)).form).toBe(
      NETWORK_ERROR_MESSAGE,
    );
  });
});

describe('the patient’s page after a refused view', () => {
  it('asks for a code, says why a session ended, and offers a retry otherwise', () => {
    expect(viewFailure(apiError('unauthenticated', 401))).toEqual({ kind: 'signed_out' });
    expect(viewFailure(apiError('patient_session_ended', 401))).toEqual({
      kind: 'ended',
      message: SESSION_ENDED,
    });
    expect(SESSION_ENDED).toContain('révoqué');
    expect(viewFailure(new ApiError('network', NETWORK_ERROR_MESSAGE, 0))).toEqual({
      kind: 'error',
      message: NETWORK_ERROR_MESSAGE,
    });
    expect(viewFailure(new Error('boom')).kind).toBe('error');
  });
});
