import { Channel, EventKind } from '../core/enums';

/** The channel an event of each kind goes through unless its input names another. */
export const DEFAULT_CHANNEL: Record<EventKind, Channel> = {
  [EventKind.CALL]: Channel.PHONE,
  [EventKind.EMAIL]: Channel.EMAIL,
  [EventKind.SOCIAL_MESSAGE]: Channel.SOCIAL,
  [EventKind.PURCHASE]: Channel.WEB,
  [EventKind.SURVEY_RESPONSE]: Channel.WEB,
  [EventKind.REVIEW]: Channel.WEB,
};

/** The channels an event of each kind may be recorded on. */
export const ALLOWED_CHANNELS: Record<EventKind, Channel[]> = {
  [EventKind.CALL]: [Channel.PHONE, Channel.VIDEO],
  [EventKind.EMAIL]: [Channel.EMAIL],
  [EventKind.SOCIAL_MESSAGE]: [Channel.SOCIAL, Channel.SMS, Channel.CHAT],
  [EventKind.PURCHASE]: [Channel.WEB, Channel.IN_STORE, Channel.PHONE],
  [EventKind.SURVEY_RESPONSE]: Object.values(Channel),
  [EventKind.REVIEW]: [Channel.WEB, Channel.SOCIAL],
};
