import { graphql } from '../api/graphql';

export const CaseSummaryFields = graphql(`
  fragment CaseSummaryFields on Case {
    id number subject status channels openedAt resolvedAt reopenCount contactCount version
  }
`);

export const CustomerQuery = graphql(
  `
    query ConsoleCustomer($id: ID!) {
      customer(id: $id) {
        id displayName givenName familyName locale timeZone version
        identifiers { kind value namespace verified }
        preferences { preferredChannel language contactHours notes consents { channel granted updatedAt source } }
        insights {
          lifetimeValue { amount currency } orderCount averageOrderValue { amount currency }
          firstPurchaseAt lastPurchaseAt lastContactAt contactsLast30Days
          csat { latest average count } nps { latest average count } ces { latest average count }
          npsCategory openCases lifecycleStage
        }
        cases(first: 20) { edges { node { ...CaseSummaryFields } } }
      }
    }
  `,
  [CaseSummaryFields],
);

export const UpdatePreferencesMutation = graphql(`
  mutation ConsoleUpdatePreferences($input: UpdatePreferencesInput!) {
    updatePreferences(input: $input) {
      preferences { preferredChannel language contactHours notes consents { channel granted updatedAt source } }
      userErrors { field message code }
    }
  }
`);
