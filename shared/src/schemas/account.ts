import { z } from 'zod';
import { emailSchema, newPasswordSchema } from './auth.js';

/** A single-use token from a mailed link (base64url, as the server makes them). */
const token = z.string({ error: 'Lien invalide.' }).regex(/^[\w-]{20,100}$/, {
  error: 'Lien invalide.',
});

export const forgotPasswordSchema = z.strictObject({ email: emailSchema });
export const resetPasswordSchema = z.strictObject({ token, password: newPasswordSchema });
export type ResetPasswordInput = z.input<typeof resetPasswordSchema>;
export const verifyEmailSchema = z.strictObject({ token });
