import { registerEnumType } from 'type-graphql';

/*
 * The vocabulary every feature shares: channels, event kinds, directions, outcomes, statuses and
 * survey kinds, as GraphQL enums.
 */

export enum Channel {
  PHONE = 'PHONE',
  EMAIL = 'EMAIL',
  SOCIAL = 'SOCIAL',
  SMS = 'SMS',
  CHAT = 'CHAT',
  WEB = 'WEB',
  IN_STORE = 'IN_STORE',
  VIDEO = 'VIDEO',
}
registerEnumType(Channel, {
  name: 'Channel',
  description: 'A way a customer and the business reach each other.',
  valuesConfig: {
    PHONE: { description: 'A voice call.' },
    EMAIL: { description: 'E-mail.' },
    SOCIAL: { description: 'A social platform such as Instagram, Facebook, X, WhatsApp or TikTok.' },
    SMS: { description: 'Text message to or from a phone number.' },
    CHAT: { description: 'Live chat, e.g. on the website or in an app.' },
    WEB: { description: 'The website or online shop.' },
    IN_STORE: { description: 'In person, in a shop.' },
    VIDEO: { description: 'A video call (a `CallEvent` on this channel).' },
  },
});

export enum EventKind {
  CALL = 'CALL',
  EMAIL = 'EMAIL',
  SOCIAL_MESSAGE = 'SOCIAL_MESSAGE',
  PURCHASE = 'PURCHASE',
  SURVEY_RESPONSE = 'SURVEY_RESPONSE',
  REVIEW = 'REVIEW',
}
registerEnumType(EventKind, {
  name: 'EventKind',
  description: 'What kind of interaction a timeline event records.',
  valuesConfig: {
    CALL: { description: 'A phone or video call (`CallEvent`).' },
    EMAIL: { description: 'An e-mail (`EmailEvent`).' },
    SOCIAL_MESSAGE: { description: 'A social, SMS or chat message (`SocialMessageEvent`).' },
    PURCHASE: { description: 'An order or a change of its status (`PurchaseEvent`).' },
    SURVEY_RESPONSE: { description: 'An answer to a CSAT, NPS or CES survey (`SurveyResponseEvent`).' },
    REVIEW: { description: 'A review the customer published, e.g. on Trustpilot or Google (`ReviewEvent`).' },
  },
});

export enum Direction {
  INBOUND = 'INBOUND',
  OUTBOUND = 'OUTBOUND',
}
registerEnumType(Direction, {
  name: 'Direction',
  description: 'Who started the interaction: INBOUND from the customer, OUTBOUND from the business.',
  valuesConfig: {
    INBOUND: { description: 'Started by the customer, e.g. a call or e-mail to the business.' },
    OUTBOUND: { description: 'Started by the business, e.g. an agent calling or replying.' },
  },
});

export enum CallOutcome {
  ANSWERED = 'ANSWERED',
  MISSED = 'MISSED',
  VOICEMAIL = 'VOICEMAIL',
  ABANDONED = 'ABANDONED',
}
registerEnumType(CallOutcome, {
  name: 'CallOutcome',
  description: 'How a call ended.',
  valuesConfig: {
    ANSWERED: { description: 'Someone answered the call.' },
    MISSED: { description: 'Nobody picked up and no voicemail was left.' },
    VOICEMAIL: { description: 'The call went to voicemail.' },
    ABANDONED: { description: 'The caller hung up before anyone answered, e.g. while waiting in a queue.' },
  },
});

export enum PurchaseStatus {
  PLACED = 'PLACED',
  PAID = 'PAID',
  FULFILLED = 'FULFILLED',
  REFUNDED = 'REFUNDED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(PurchaseStatus, {
  name: 'PurchaseStatus',
  description: 'Where an order stood when the event was recorded.',
  valuesConfig: {
    PLACED: { description: 'The order was placed.' },
    PAID: { description: 'The order was paid for.' },
    FULFILLED: { description: 'The order was shipped, delivered or handed over.' },
    REFUNDED: { description: 'The order was refunded.' },
    CANCELLED: { description: 'The order was cancelled.' },
  },
});

export enum SurveyKind {
  CSAT = 'CSAT',
  NPS = 'NPS',
  CES = 'CES',
}
registerEnumType(SurveyKind, {
  name: 'SurveyKind',
  description: 'CSAT (satisfaction, 1-5), NPS (likelihood to recommend, 0-10), CES (effort, 1-7).',
  valuesConfig: {
    CSAT: { description: 'Customer satisfaction: scores 1-5 unless `scaleMax` says otherwise.' },
    NPS: { description: 'Net Promoter Score: how likely to recommend, 0-10 unless `scaleMax` says otherwise.' },
    CES: { description: 'Customer effort: scores 1-7 unless `scaleMax` says otherwise.' },
  },
});

export enum IdentifierKind {
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  SOCIAL = 'SOCIAL',
  EXTERNAL_ID = 'EXTERNAL_ID',
}
registerEnumType(IdentifierKind, {
  name: 'IdentifierKind',
  description: 'EMAIL and PHONE are global; SOCIAL is scoped by platform, EXTERNAL_ID by source system (`namespace`).',
  valuesConfig: {
    EMAIL: { description: 'An e-mail address; matched trimmed and lower-cased.' },
    PHONE: { description: 'A phone number; matched in E.164, national numbers read in the server\'s default region.' },
    SOCIAL: { description: 'A handle on the social platform named by `namespace`; matched lower-cased without a leading @.' },
    EXTERNAL_ID: { description: 'A record id in the source system named by `namespace`, e.g. a Salesforce contact id; matched as given.' },
  },
});
