import { graphql } from '../api/graphql';

export const MetricsQuery = graphql(`
  query ConsoleMetrics($service: MetricsRange!, $experience: MetricsRange!) {
    serviceMetrics(range: $service) {
      inboundContacts callsOffered callsAnswered answeredRate abandonmentRate averageWaitSeconds messagesAnsweredRate
      casesOpened casesResolved averageFirstResponseSeconds medianFirstResponseSeconds averageResolutionSeconds
      firstContactResolutionRate reopenRate csat nps ces
      byChannel { channel inboundContacts answeredRate casesOpened medianFirstResponseSeconds csat }
      intervals { start end inboundContacts casesOpened casesResolved answeredRate csat nps medianFirstResponseSeconds }
    }
    experienceMetrics(range: $experience) {
      activeCustomers newCustomers churnRate retentionRate conversionRate
      averageLifetimeValue { amount currency } averageOrderValue { amount currency }
      reviewCount averageReviewRating nps csat
    }
  }
`);
