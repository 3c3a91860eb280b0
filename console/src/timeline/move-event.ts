import { graphql } from '../api/graphql';

/** Re-threading: an interaction moves to another of the customer's cases, and both cases' figures follow. */
export const MoveEventsMutation = graphql(`
  mutation ConsoleMoveEvents($input: MoveEventsToCaseInput!) {
    moveEventsToCase(input: $input) {
      case { id number }
      userErrors { field message code }
    }
  }
`);
