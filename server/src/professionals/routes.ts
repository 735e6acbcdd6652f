import { Router } from 'express';
import type { Model } from 'mongoose';
import { normalizeRpps, RPPS_PATTERN } from '../../../shared/src/ids.js';
import type { ProfessionalRef } from '../../../shared/src/views.js';
import type { ProfessionalDoc } from '../auth/model.js';
import { AppError } from '../http/errors.js';
import { requireAuth } from '../http/middleware.js';

/** Directory look-up by RPPS for signed-in professionals: name and profession only. */
export function professionalRoutes(Professional: Model<ProfessionalDoc>): Router {
  const router = Router();
  router.get('/professionals/by-rpps/:rpps', requireAuth, async (req, res) => {
    const rpps = normalizeRpps(String(req.params.rpps));
    if (!RPPS_PATTERN.test(rpps)) {
      throw new AppError('validation_failed', {
        field: 'rpps',
        message: 'Le numéro RPPS doit comporter 11 chiffres.',
      });
    }
    const doc = await Professional.findOne({ rpps }).lean<ProfessionalDoc>();
    if (!doc) throw new AppError('professional_not_found', { field: 'rpps' });
    const ref: ProfessionalRef = {
      id: String(doc._id),
      firstName: doc.firstName,
      lastName: doc.lastName,
      profession: doc.profession,
    };
    res.json(ref);
  });
  return router;
}
