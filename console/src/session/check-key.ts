import { createApiClient, errorMessage } from '../api/client';
import { graphql } from '../api/graphql';
import type { Viewer } from './session';

const ViewerQuery = graphql(`
  query ConsoleViewer {
    viewer { name role scopes }
  }
`);

/** Asks the server who this key is: the viewer, or the reason it was refused. */
export async function checkKey(apiKey: string): Promise<{ viewer: Viewer } | { refused: string }> {
  const result = await createApiClient(apiKey, () => undefined).query(ViewerQuery, {}).toPromise();
  if (result.error || !result.data?.viewer) return { refused: result.error ? errorMessage(result.error) : 'The server did not say who this key is.' };
  // Valid but good for nothing here (a company-login token whose role this server does not know, say).
  if (result.data.viewer.scopes.length === 0) return { refused: `it is valid for ${result.data.viewer.name} but grants no role and no scope on this server.` };
  return { viewer: result.data.viewer };
}
