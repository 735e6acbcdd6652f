import { ERROR_MESSAGES } from '../../../shared/src/errors.js';
import { AppError } from '../http/errors.js';
import { safeError } from '../logger.js';
import { rooms, type SocketFeature } from '../realtime/io.js';
import type { TeamModels } from './model.js';
import type { TeamService } from './service.js';
import { Types } from 'mongoose';

/**
 * Teams on sockets: a socket joins the rooms of its professional's live teams (current member,
 * not closed, consent in force), and may ask for a team, with the same 404 as over HTTP.
 */
export function teamSocketFeature(models: TeamModels, teams: TeamService): SocketFeature {
  return {
    async rooms(professional) {
      const memberships = await models.Membership.find({
        professionalId: new Types.ObjectId(professional.id),
        leftAt: null,
      }).lean();
      const live = await models.Team.find({
        _id: { $in: memberships.map((m) => m.teamId) },
        closure: null,
        'consent.withdrawnAt': null,
      }).lean();
      return live.map((t) => rooms.team(String(t._id)));
    },
    attach(socket, log) {
      socket.on('team:get', (teamId, ack) => {
        if (typeof ack !== 'function') return;
        if (typeof teamId !== 'string') {
          ack({ ok: false, error: { code: 'not_found', message: ERROR_MESSAGES.not_found } });
          return;
        }
        teams
          .member(socket.data.professional, teamId)
          .then((ctx) => teams.get(ctx))
          .then((team) => ack({ ok: true, data: team }))
          .catch((err: unknown) => {
            if (err instanceof AppError) {
              ack({ ok: false, error: { code: err.code, message: err.message } });
              return;
            }
            log.error({ err: safeError(err) }, 'team:get failed');
            ack({
              ok: false,
              error: { code: 'internal_error', message: ERROR_MESSAGES.internal_error },
            });
          });
      });
    },
  };
}
