import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import { errorMessage } from '../api/client';
import { followTimeline, type LiveStatus } from './live-timeline';
import { useSession } from '../session/session';
import { TimelineFilters, type Filter } from './TimelineFilters';
import { TimelineItem, type CaseChoice } from './TimelineItem';
import { TimelinePageQuery, type TimelineEvent } from './timeline-queries';

/** Newest first by (occurredAt, id), as the server pages them. */
function newerFirst(a: TimelineEvent, b: TimelineEvent): number {
  return b.occurredAt.localeCompare(a.occurredAt) || b.id.localeCompare(a.id);
}

const LIVE_LABEL: Record<LiveStatus, string> = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', stopped: 'Live updates stopped' };

/**
 * The customer's timeline: pages of 20 by keyset cursor, newest first, the next page loaded when
 * the end scrolls into view; new events arrive live at their place (the top, for anything new).
 */
export function Timeline({ customerId, cases, version, onOpenCase, onChanged }: {
  customerId: string;
  cases: CaseChoice[];
  /** Bumped when something shown here changed elsewhere (a case resolved, an event moved): the timeline is read again. */
  version: number;
  onOpenCase(id: string): void;
  onChanged(): void;
}) {
  const client = useClient();
  const { apiKey } = useSession();
  const [filter, setFilter] = useState<Filter>({ kinds: [], channels: [] });
  const [events, setEvents] = useState<TimelineEvent[]>([]);
  const [page, setPage] = useState<{ endCursor: string | null; hasNextPage: boolean }>({ endCursor: null, hasNextPage: false });
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const [live, setLive] = useState<{ status: LiveStatus; detail?: string }>({ status: 'connecting' });
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  // Bumped after a move made here: the moved event's case changed, so the pages are read again.
  const [reloads, setReloads] = useState(0);
  const [firstLoaded, setFirstLoaded] = useState<{ after: string | null } | null>(null);
  const generation = useRef(0);
  const sentinel = useRef<HTMLDivElement>(null);
  const morePages = useRef(false);
  morePages.current = page.hasNextPage;
  const shown = useRef<TimelineEvent[]>([]);
  shown.current = events;

  const apiFilter = filter.kinds.length || filter.channels.length ? { kinds: filter.kinds.length ? filter.kinds : null, channels: filter.channels.length ? filter.channels : null } : null;
  const filterKey = JSON.stringify(apiFilter);

  const load = useCallback(
    async (after: string | null) => {
      const mine = generation.current;
      setLoading(true);
      const result = await client.query(TimelinePageQuery, { id: customerId, after, filter: apiFilter }).toPromise();
      if (mine !== generation.current) return;
      setLoading(false);
      const timeline = result.data?.customer?.timeline;
      if (result.error || !timeline) {
        setProblem(result.error ? errorMessage(result.error) : 'This customer is no longer there.');
        return;
      }
      setProblem(null);
      const loaded = timeline.edges.map((edge) => edge.node);
      setEvents((current) => {
        const known = new Set(current.map((e) => e.id));
        return [...current, ...loaded.filter((e) => !known.has(e.id))].sort(newerFirst);
      });
      setPage({ endCursor: timeline.pageInfo.endCursor ?? null, hasNextPage: timeline.pageInfo.hasNextPage });
      if (!after) {
        // Live from the last event the page shows by when it was stored, so nothing stored since the read is missed.
        const latest = [...loaded].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))[0];
        setFirstLoaded({ after: latest?.streamCursor ?? null });
      }
    },
    [client, customerId, filterKey],
  );

  // A new filter starts from the first page.
  useEffect(() => {
    generation.current++;
    setEvents([]);
    setFirstLoaded(null);
    setPage({ endCursor: null, hasNextPage: false });
    void load(null);
  }, [load, version, reloads]);

  // Live events for the open customer, with the same filter.
  useEffect(() => {
    if (!firstLoaded) return;
    return followTimeline({
      apiKey,
      customerId,
      filter: apiFilter,
      after: firstLoaded.after,
      onStatus: (status, detail) => setLive({ status, detail }),
      onEvent: (event) => {
        const current = shown.current;
        // A replayed event the page already shows, or one older than everything loaded (it comes with its page).
        if (current.some((e) => e.id === event.id)) return;
        const oldest = current[current.length - 1];
        if (oldest && morePages.current && newerFirst(event, oldest) > 0) return;
        setEvents((now) => (now.some((e) => e.id === event.id) ? now : [...now, event].sort(newerFirst)));
        setFresh((marked) => new Set(marked).add(event.id));
        onChanged();
      },
    });
  }, [firstLoaded, apiKey, customerId]);

  // The next page when the end of the list comes into view.
  useEffect(() => {
    const target = sentinel.current;
    if (!target || !page.hasNextPage) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !loading) void load(page.endCursor);
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [page, loading, load]);

  return (
    <section className="timeline" aria-labelledby="timeline-heading">
      <div className="timeline-head">
        <h2 id="timeline-heading" tabIndex={-1}>
          Timeline
        </h2>
        <span className={`live live-${live.status}`} role="status" title={live.detail}>
          {LIVE_LABEL[live.status]}
        </span>
      </div>
      <TimelineFilters filter={filter} onChange={setFilter} />
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <div role="feed" aria-label="Timeline" aria-busy={loading}>
        {events.map((event, index) => (
          <TimelineItem key={event.id} event={event} position={index + 1} fresh={fresh.has(event.id)} cases={cases} onOpenCase={onOpenCase} onMoved={() => {
              setReloads((n) => n + 1);
              onChanged();
            }}
          />
        ))}
      </div>
      {!loading && events.length === 0 && !problem && <p className="muted">Nothing here{apiFilter ? ' with these filters' : ''}.</p>}
      <div ref={sentinel} className="timeline-end">
        {loading ? 'Loading…' : page.hasNextPage ? (
          <button type="button" className="secondary" onClick={() => void load(page.endCursor)}>
            Load older
          </button>
        ) : events.length > 0 ? (
          'The beginning of this history.'
        ) : null}
      </div>
    </section>
  );
}
