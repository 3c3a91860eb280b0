import DataLoader from 'dataloader';
import type { CaseHistoryPageRequest, CasePageRequest, CaseService } from './case.service';

/** The loader's key of a page of a customer's cases: the same however the request object was built. */
export function casePageKey({ customerKey, statuses, page }: CasePageRequest): string {
  return JSON.stringify([customerKey, statuses, page.direction, page.size, page.cursor]);
}

/** Per-request batches of case reads; see server/loaders.ts. */
export function createCaseLoaders(cases: CaseService) {
  return {
    caseByKey: new DataLoader((keys: readonly string[]) => cases.casesByKey(keys)),
    casePage: new DataLoader((requests: readonly CasePageRequest[]) => cases.pages(requests), { cacheKeyFn: casePageKey }),
    caseHistoryPage: new DataLoader((requests: readonly CaseHistoryPageRequest[]) => cases.historyPages(requests), { cacheKeyFn: (request) => JSON.stringify(request) }),
  };
}

export type CaseLoaders = ReturnType<typeof createCaseLoaders>;
