import { Client, fetchExchange, mapExchange, type CombinedError } from '@urql/core';

/** The code a GraphQL error carries in `extensions.code` (UNAUTHENTICATED, FORBIDDEN, ...). */
export function errorCode(error: CombinedError | undefined): string | undefined {
  return error?.graphQLErrors.map((e) => e.extensions?.code).find((code): code is string => typeof code === 'string');
}

/** A line an agent can read for a failed request: the server's own message, else what went wrong on the way. */
export function errorMessage(error: CombinedError): string {
  const first = error.graphQLErrors[0];
  if (first) return first.message;
  return error.networkError ? `The server could not be reached (${error.networkError.message}).` : error.message;
}

/**
 * The public API over HTTP with this tab's key. Every answer is fresh from the server (no
 * document cache): an agent must see what is stored now. A refused credential signs the tab out.
 */
export function createApiClient(apiKey: string, onRefused: (message: string) => void): Client {
  return new Client({
    url: '/graphql',
    requestPolicy: 'network-only',
    preferGetMethod: false,
    fetchOptions: () => ({ headers: { authorization: `Bearer ${apiKey}` } }),
    exchanges: [
      mapExchange({
        onError(error) {
          if (errorCode(error) === 'UNAUTHENTICATED') onRefused(errorMessage(error));
        },
      }),
      fetchExchange,
    ],
  });
}
