import { CallOutcome, Direction, EventKind, PurchaseStatus } from '../core/enums';

/** One line an agent reads at a glance; built from the event when the source sends none. */
export function summarise(kind: EventKind, direction: Direction | null | undefined, d: Record<string, any>): string {
  switch (kind) {
    case EventKind.CALL: {
      const who = direction === Direction.OUTBOUND ? 'Outbound call' : direction === Direction.INBOUND ? 'Inbound call' : 'Call';
      const outcome = { [CallOutcome.ANSWERED]: 'answered', [CallOutcome.MISSED]: 'missed', [CallOutcome.VOICEMAIL]: 'voicemail', [CallOutcome.ABANDONED]: 'abandoned' }[
        d.outcome as CallOutcome
      ];
      const length = d.durationSeconds != null && d.durationSeconds > 0 ? `, ${duration(d.durationSeconds)}` : '';
      return `${who}, ${outcome}${length}`;
    }
    case EventKind.EMAIL: {
      const verb = direction === Direction.OUTBOUND ? 'E-mail to customer' : 'E-mail from customer';
      return d.subject ? `${verb}: ${clip(d.subject, 120)}` : verb;
    }
    case EventKind.SOCIAL_MESSAGE: {
      const verb = direction === Direction.OUTBOUND ? 'Reply on' : 'Message on';
      return `${verb} ${platformName(d.platform)}: ${clip(d.text, 120)}`;
    }
    case EventKind.PURCHASE: {
      const status = (d.status as PurchaseStatus).toLowerCase();
      const count = (d.items as { quantity: number }[]).reduce((n, item) => n + item.quantity, 0);
      return `Order ${d.orderNumber} ${status}, ${d.total.amount} ${d.total.currency}, ${count} item${count === 1 ? '' : 's'}`;
    }
    case EventKind.SURVEY_RESPONSE: {
      const comment = d.comment ? `: ${clip(d.comment, 100)}` : '';
      return `${d.survey} ${d.score}/${d.scaleMax}${comment}`;
    }
    case EventKind.REVIEW: {
      const words = d.title ?? d.text;
      return `Review on ${platformName(d.platform)}, ${d.rating}/${d.scaleMax}${words ? `: ${clip(words, 100)}` : ''}`;
    }
  }
}

function duration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return minutes > 0 ? `${minutes}m ${String(rest).padStart(2, '0')}s` : `${rest}s`;
}

function platformName(platform: string): string {
  const known: Record<string, string> = {
    instagram: 'Instagram',
    facebook: 'Facebook',
    x: 'X',
    whatsapp: 'WhatsApp',
    tiktok: 'TikTok',
    sms: 'SMS',
    trustpilot: 'Trustpilot',
    google: 'Google',
    yelp: 'Yelp',
    appstore: 'the App Store',
    playstore: 'Google Play',
    amazon: 'Amazon',
  };
  return known[platform] ?? platform;
}

function clip(value: string, max: number): string {
  const line = value.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * The same line without the customer's own words (subject, message text, comment) or the order
 * number: what a
 * caller without PII_READ reads instead of the stored summary, which a source may have written.
 */
export function summariseWithoutPersonalText(kind: EventKind, direction: Direction | null | undefined, d: Record<string, any>): string {
  switch (kind) {
    case EventKind.EMAIL:
      return direction === Direction.OUTBOUND ? 'E-mail to customer' : 'E-mail from customer';
    case EventKind.SOCIAL_MESSAGE:
      return `${direction === Direction.OUTBOUND ? 'Reply on' : 'Message on'} ${platformName(d.platform)}`;
    case EventKind.SURVEY_RESPONSE:
      return `${d.survey} ${d.score}/${d.scaleMax}`;
    case EventKind.REVIEW:
      return `Review on ${platformName(d.platform)}, ${d.rating}/${d.scaleMax}`;
    case EventKind.PURCHASE: {
      // The order number leads to the person in the shop's own records.
      const count = ((d.items ?? []) as { quantity: number }[]).reduce((n, item) => n + item.quantity, 0);
      return `Order ${String(d.status).toLowerCase()}, ${d.total.amount} ${d.total.currency}, ${count} item${count === 1 ? '' : 's'}`;
    }
    default:
      return summarise(kind, direction, d);
  }
}
