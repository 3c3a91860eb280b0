import DataLoader from 'dataloader';
import type { LoadersMadeBy } from '../core/request-loaders';
import type { CaseHistoryPageRequest, CasePageRequest, CaseService } from './case.service';

/** The loader's key of a page of a customer's cases: the same however the request object was built. */
export function casePageKey({ customerKey, statuses, page }: CasePageRequest): string {
  return JSON.stringify([customerKey, statuses, page.direction, page.size, page.cursor]);
}

/** Per-request batches of case reads; see server/loaders.ts. */
export const caseLoaders = {
  caseByKey: ({ cases }: { cases: CaseService }) => new DataLoader((keys: readonly string[]) => cases.casesByKey(keys)),
  casePage: ({ cases }: { cases: CaseService }) => new DataLoader((requests: readonly CasePageRequest[]) => cases.pages(requests), { cacheKeyFn: casePageKey }),
  caseHistoryPage: ({ cases }: { cases: CaseService }) =>
    new DataLoader((requests: readonly CaseHistoryPageRequest[]) => cases.historyPages(requests), { cacheKeyFn: (request) => JSON.stringify(request) }),
};

export type CaseLoaders = LoadersMadeBy<typeof caseLoaders>;
