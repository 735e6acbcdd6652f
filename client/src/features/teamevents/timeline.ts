import { STATUS_LABELS } from '../../../../shared/src/rules/activation.js';
import { EVENT_LABELS, type TimelineItem } from '../../../../shared/src/team-events.js';
import { fullName } from '../../lib/format.js';

/** The French line of a timeline item. */
export function timelineText(item: TimelineItem): string {
  switch (item.type) {
    case 'event':
      return `${item.event.alert ? 'Alerte — ' : ''}${EVENT_LABELS[item.event.kind]}${
        item.event.note ? ` : ${item.event.note}` : ''
      } (signalé par ${fullName(item.event.recordedBy)})`;
    case 'status':
      return `Statut de l’ESCAP : ${STATUS_LABELS[item.status]}`;
    case 'document':
      return `Document ajouté : ${item.name} (${fullName(item.by)})`;
    case 'plan':
      return `Plan de soins, version ${item.version} (${fullName(item.by)})`;
  }
}
