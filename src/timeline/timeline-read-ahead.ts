import type { CustomerReadAhead } from '../customers/customer-read-ahead';
import { isBadUserInput } from '../core/errors';
import { pageRequest, type ConnectionArgs } from '../relay/connection';
import type { TimelineFilter } from './timeline-filter';
import type { TimelineLoaders } from './timeline.loaders';
import type { TimelinePageRequest, TimelineService } from './timeline.service';

/** The page `Customer.timeline(...args, filter)` asks for: its resolver and its read-ahead build it alike. */
export function customerTimelineRequest(customerKey: string, args: ConnectionArgs, filter: TimelineFilter | null | undefined): TimelinePageRequest {
  return { customerKey, page: pageRequest(args), filter: filter ?? null };
}

/** `Customer.timeline` read in the customer's own statement (customers/customer-read-ahead.ts). */
export function timelineReadAhead(timeline: TimelineService): CustomerReadAhead<TimelineLoaders> {
  return {
    field: 'timeline',
    column: ({ args }, params) => {
      try {
        const { page, filter } = customerTimelineRequest('', args, args.filter as TimelineFilter | null);
        // An empty page costs no SQL at all when its resolver answers it.
        return page.size === 0 ? null : timeline.customerPageColumn(page, filter, params);
      } catch (error) {
        // Arguments the resolver refuses: the error must come from the field.
        if (isBadUserInput(error)) return null;
        throw error;
      }
    },
    prime: (loaders, customerKey, { args }, value) => {
      const request = customerTimelineRequest(customerKey, args, args.filter as TimelineFilter | null);
      loaders.timelinePage.prime(request, timeline.pageFromColumn(value, request.page));
    },
  };
}
