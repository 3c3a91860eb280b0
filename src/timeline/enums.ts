import { registerEnumType } from 'type-graphql';

export enum Channel {
  PHONE = 'PHONE',
  EMAIL = 'EMAIL',
  SOCIAL = 'SOCIAL',
  SMS = 'SMS',
  CHAT = 'CHAT',
  WEB = 'WEB',
  IN_STORE = 'IN_STORE',
}
registerEnumType(Channel, { name: 'Channel', description: 'A way a customer and the business reach each other.' });

export enum EventKind {
  CALL = 'CALL',
  EMAIL = 'EMAIL',
  SOCIAL_MESSAGE = 'SOCIAL_MESSAGE',
  PURCHASE = 'PURCHASE',
  SURVEY_RESPONSE = 'SURVEY_RESPONSE',
}
registerEnumType(EventKind, { name: 'EventKind', description: 'What kind of interaction a timeline event records.' });

export enum Direction {
  INBOUND = 'INBOUND',
  OUTBOUND = 'OUTBOUND',
}
registerEnumType(Direction, {
  name: 'Direction',
  description: 'Who started the interaction: INBOUND from the customer, OUTBOUND from the business.',
});

export enum CallOutcome {
  ANSWERED = 'ANSWERED',
  MISSED = 'MISSED',
  VOICEMAIL = 'VOICEMAIL',
  ABANDONED = 'ABANDONED',
}
registerEnumType(CallOutcome, { name: 'CallOutcome', description: 'How a call ended.' });

export enum PurchaseStatus {
  PLACED = 'PLACED',
  PAID = 'PAID',
  FULFILLED = 'FULFILLED',
  REFUNDED = 'REFUNDED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(PurchaseStatus, { name: 'PurchaseStatus', description: 'Where an order stood when the event was recorded.' });

export enum SurveyKind {
  CSAT = 'CSAT',
  NPS = 'NPS',
  CES = 'CES',
}
registerEnumType(SurveyKind, {
  name: 'SurveyKind',
  description: 'CSAT (satisfaction, 1-5), NPS (likelihood to recommend, 0-10), CES (effort, 1-7).',
});

/** The channel an event of each kind goes through unless its input names another. */
export const DEFAULT_CHANNEL: Record<EventKind, Channel> = {
  [EventKind.CALL]: Channel.PHONE,
  [EventKind.EMAIL]: Channel.EMAIL,
  [EventKind.SOCIAL_MESSAGE]: Channel.SOCIAL,
  [EventKind.PURCHASE]: Channel.WEB,
  [EventKind.SURVEY_RESPONSE]: Channel.WEB,
};

/** The channels an event of each kind may be recorded on. */
export const ALLOWED_CHANNELS: Record<EventKind, Channel[]> = {
  [EventKind.CALL]: [Channel.PHONE],
  [EventKind.EMAIL]: [Channel.EMAIL],
  [EventKind.SOCIAL_MESSAGE]: [Channel.SOCIAL, Channel.SMS, Channel.CHAT],
  [EventKind.PURCHASE]: [Channel.WEB, Channel.IN_STORE, Channel.PHONE],
  [EventKind.SURVEY_RESPONSE]: Object.values(Channel),
};
