import { graphql } from '../api/graphql';
import { EventFields } from '../timeline/timeline-queries';

export const CaseQuery = graphql(
  `
    query ConsoleCase($id: ID!) {
      node(id: $id) {
        ... on Case {
          id number subject status channels openedAt firstResponseAt resolvedAt reopenCount contactCount firstContactResolution agentId version
          follows { id number subject }
          events(first: 50) { edges { node { ...EventFields } } }
          history(first: 50) { edges { node { at change status value rule actor } } }
        }
      }
    }
  `,
  [EventFields],
);

export const UpdateCaseMutation = graphql(`
  mutation ConsoleUpdateCase($input: UpdateCaseInput!) {
    updateCase(input: $input) {
      case { id status version resolvedAt reopenCount }
      userErrors { field message code }
    }
  }
`);
