import DataLoader from 'dataloader';
import type { TimelinePageRequest, TimelineService } from './timeline.service';

/** Per-request batches of timeline reads; see server/loaders.ts. */
export function createTimelineLoaders(timeline: TimelineService) {
  return {
    timelinePage: new DataLoader((requests: readonly TimelinePageRequest[]) => timeline.pages(requests), {
      cacheKeyFn: (request) => JSON.stringify(request),
    }),
    eventByKey: new DataLoader((keys: readonly string[]) => timeline.eventsByKey(keys)),
  };
}

export type TimelineLoaders = ReturnType<typeof createTimelineLoaders>;
