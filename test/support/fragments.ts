/** Every field of every event kind, as an agent console asks for them. */
export const EVENT_FIELDS = `
  __typename id kind channel occurredAt receivedAt direction summary source externalId agentId
  ... on CallEvent { fromNumber toNumber outcome waitSeconds durationSeconds recordingUrl transcript }
  ... on EmailEvent { fromAddress toAddresses subject bodyText threadId messageId }
  ... on SocialMessageEvent { platform handle threadId text }
  ... on PurchaseEvent { orderNumber status total { amount currency } items { sku name quantity unitPrice { amount currency } } }
  ... on SurveyResponseEvent { survey score scaleMax comment aboutEventId }
  ... on ReviewEvent { platform rating scaleMax title text url }
`;

export const USER_ERRORS = `userErrors { field message code }`;

export const RECORD_PAYLOAD = `created event { ${EVENT_FIELDS} customer { id } } customer { id displayName version } ${USER_ERRORS}`;
