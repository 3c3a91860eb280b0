import DataLoader from 'dataloader';
import type { CaseHistoryPageRequest, CasePageRequest, CaseService } from './case.service';

/** Per-request batches of case reads; see server/loaders.ts. */
export function createCaseLoaders(cases: CaseService) {
  return {
    caseByKey: new DataLoader((keys: readonly string[]) => cases.casesByKey(keys)),
    casePage: new DataLoader((requests: readonly CasePageRequest[]) => cases.pages(requests), { cacheKeyFn: (request) => JSON.stringify(request) }),
    caseHistoryPage: new DataLoader((requests: readonly CaseHistoryPageRequest[]) => cases.historyPages(requests), { cacheKeyFn: (request) => JSON.stringify(request) }),
  };
}

export type CaseLoaders = ReturnType<typeof createCaseLoaders>;
