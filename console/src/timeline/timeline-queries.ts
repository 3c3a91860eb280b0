import { graphql, type ResultOf } from '../api/graphql';

/** Every kind's fields, for its own rendering in the timeline. */
export const EventFields = graphql(`
  fragment EventFields on TimelineEvent {
    __typename id kind channel occurredAt receivedAt direction summary agentId source streamCursor caseRule
    case { id number subject status }
    ... on CallEvent { outcome waitSeconds durationSeconds fromNumber toNumber transcript }
    ... on EmailEvent { subject fromAddress toAddresses bodyText }
    ... on SocialMessageEvent { platform handle text }
    ... on PurchaseEvent { orderNumber status total { amount currency } items { name quantity unitPrice { amount currency } } }
    ... on SurveyResponseEvent { survey score scaleMax comment }
    ... on ReviewEvent { platform rating reviewScaleMax: scaleMax title text url }
  }
`);

export type TimelineEvent = ResultOf<typeof EventFields>;

export const TimelinePageQuery = graphql(
  `
    query ConsoleTimeline($id: ID!, $after: String, $filter: TimelineFilter) {
      customer(id: $id) {
        id
        timeline(first: 20, after: $after, filter: $filter) {
          edges { cursor node { ...EventFields } }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  `,
  [EventFields],
);

export const TimelineEventAdded = graphql(
  `
    subscription ConsoleTimelineEventAdded($customerId: ID!, $filter: TimelineFilter, $after: String) {
      timelineEventAdded(customerId: $customerId, filter: $filter, after: $after) { ...EventFields }
    }
  `,
  [EventFields],
);
