import DataLoader from 'dataloader';
import type { LoadersMadeBy } from '../core/request-loaders';
import type { TimelinePageRequest, TimelineService } from './timeline.service';

/**
 * The loader's key of a page request: the same for the same page however the request object was
 * built (by the resolver from type-graphql's arguments, or by the read-ahead from the operation's).
 */
export function timelinePageKey({ customerKey, caseKey, page, filter }: TimelinePageRequest): string {
  return JSON.stringify([customerKey, caseKey ?? null, page.direction, page.size, page.cursor, filter?.kinds ?? null, filter?.channels ?? null, filter?.since ?? null, filter?.until ?? null]);
}

/** Per-request batches of timeline reads; see server/loaders.ts. */
export const timelineLoaders = {
  timelinePage: ({ timeline }: { timeline: TimelineService }) => new DataLoader((requests: readonly TimelinePageRequest[]) => timeline.pages(requests), { cacheKeyFn: timelinePageKey }),
  eventByKey: ({ timeline }: { timeline: TimelineService }) => new DataLoader((keys: readonly string[]) => timeline.eventsByKey(keys)),
  streamPosition: ({ timeline }: { timeline: TimelineService }) => new DataLoader((keys: readonly string[]) => timeline.streamPositions(keys)),
};

export type TimelineLoaders = LoadersMadeBy<typeof timelineLoaders>;
