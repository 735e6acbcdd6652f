import { z } from 'zod';
import type { DirectorySearchView, DirectoryStatusView } from '../../../../shared/src/directory.js';
import { professionalSchema } from '../../../../shared/src/schemas/auth.js';
import { request } from '../../lib/api.js';

const pendingSchema = z.object({
  pending: z
    .object({
      stage: z.enum(['link', 'email']),
      firstName: z.string(),
      lastName: z.string(),
      email: z.string().nullable(),
      invitation: z.string().nullable(),
    })
    .nullable(),
});
export type PscPending = NonNullable<z.infer<typeof pendingSchema>['pending']>;
const finishedSchema = z.object({
  professional: professionalSchema,
  invitation: z.string().nullable(),
});

export const forgotPassword = (email: string) =>
  request('POST', '/api/auth/password/forgot', { body: { email } });

export const resetUsable = async (token: string) =>
  (
    await request('GET', `/api/auth/password/reset/${encodeURIComponent(token)}`, {
      schema: z.object({ usable: z.boolean() }),
    })
  ).usable;

export const resetPassword = (token: string, password: string) =>
  request('POST', '/api/auth/password/reset', { body: { token, password } });

export const verifyEmail = (token: string) =>
  request('POST', '/api/auth/email/verify', { body: { token } });

export const resendVerification = () => request('POST', '/api/auth/email/resend', { body: {} });

export const signOutEverywhere = () =>
  request('POST', '/api/auth/signout-everywhere', { body: {} });

export const pscEnabled = async () =>
  (await request('GET', '/api/auth/psc/config', { schema: z.object({ enabled: z.boolean() }) }))
    .enabled;

export const pscPending = async () =>
  (await request('GET', '/api/auth/psc/pending', { schema: pendingSchema })).pending;

export const pscLink = (password: string) =>
  request('POST', '/api/auth/psc/link', { body: { password }, schema: finishedSchema });

export const pscCreate = (email: string) =>
  request('POST', '/api/auth/psc/create', { body: { email }, schema: finishedSchema });

const statusSchema = z.object({
  loaded: z.boolean(),
  synthetic: z.boolean(),
  importedAt: z.string().nullable(),
  signUp: z.enum(['refuse', 'flag']),
}) satisfies z.ZodType<DirectoryStatusView>;

export const directoryStatus = () =>
  request('GET', '/api/directory/status', { schema: statusSchema });

const hitSchema = z.object({
  rpps: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  profession: professionalSchema.shape.profession.nullable(),
  professionLabel: z.string(),
  places: z.array(z.object({ city: z.string(), postalCode: z.string() })),
  registered: z
    .object({
      id: z.string(),
      firstName: z.string(),
      lastName: z.string(),
      profession: professionalSchema.shape.profession,
      unverified: z.boolean().optional(),
    })
    .nullable(),
});

export const searchDirectory = (q: string): Promise<DirectorySearchView> =>
  request('GET', `/api/directory/search?q=${encodeURIComponent(q)}`, {
    schema: z.object({ status: statusSchema, hits: z.array(hitSchema) }),
  });
