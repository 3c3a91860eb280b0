import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../api/client';
import { formatDateTime, formatMoney, formatSeconds, words } from '../ui/format';
import { MoveEventsMutation } from './move-event';
import type { TimelineEvent } from './timeline-queries';

/** A case the event could be moved to. */
export interface CaseChoice {
  id: string;
  number: number;
  subject: string;
  status: string;
}

const KIND_NAME: Record<string, string> = { CALL: 'Call', EMAIL: 'E-mail', SOCIAL_MESSAGE: 'Message', PURCHASE: 'Purchase', SURVEY_RESPONSE: 'Survey', REVIEW: 'Review' };
const INTERACTIONS = new Set(['CALL', 'EMAIL', 'SOCIAL_MESSAGE']);

/** One event of the timeline, in the compact form of its kind. */
export function TimelineItem({ event, position, fresh, cases, onOpenCase, onMoved }: { event: TimelineEvent; position: number; fresh: boolean; cases: CaseChoice[]; onOpenCase(id: string): void; onMoved(): void }) {
  const headingId = useId();
  return (
    <article className={`event kind-${event.kind.toLowerCase()}${fresh ? ' fresh' : ''}`} aria-labelledby={headingId} aria-posinset={position} aria-setsize={-1}>
      <header>
        <span className="kind">{KIND_NAME[event.kind] ?? words(event.kind)}</span>
        <span className="channel">{words(event.channel)}</span>
        {event.direction && <span className="direction">{event.direction === 'INBOUND' ? 'from customer' : 'to customer'}</span>}
        <time dateTime={event.occurredAt}>{formatDateTime(event.occurredAt)}</time>
      </header>
      <h3 id={headingId}>{event.summary}</h3>
      <EventDetails event={event} />
      <footer>
        {event.case && (
          <button type="button" className="case-badge" onClick={() => onOpenCase(event.case!.id)}>
            Case {event.case.number} · {words(event.case.status)}
            <span className="visually-hidden">: {event.case.subject}</span>
          </button>
        )}
        {event.agentId && <span className="muted">Agent {event.agentId}</span>}
        {INTERACTIONS.has(event.kind) && <MoveToCase event={event} cases={cases} onMoved={onMoved} />}
      </footer>
    </article>
  );
}

function EventDetails({ event }: { event: TimelineEvent }) {
  switch (event.__typename) {
    case 'CallEvent':
      return (
        <p className="details">
          {words(event.outcome)}
          {event.waitSeconds != null && ` · waited ${formatSeconds(event.waitSeconds)}`}
          {event.durationSeconds != null && ` · ${formatSeconds(event.durationSeconds)}`}
          {event.transcript && <span className="quote">{event.transcript}</span>}
        </p>
      );
    case 'EmailEvent':
      return event.bodyText ? <p className="details quote">{event.bodyText}</p> : null;
    case 'SocialMessageEvent':
      return (
        <p className="details">
          {event.platform} · {event.handle}
        </p>
      );
    case 'PurchaseEvent':
      return (
        <p className="details">
          {event.orderNumber} · {words(event.status)} · {formatMoney(event.total)}
          {event.items.length > 0 && ` · ${event.items.map((item) => `${item.quantity} × ${item.name}`).join(', ')}`}
        </p>
      );
    case 'SurveyResponseEvent':
      return (
        <p className="details">
          {event.survey} {event.score} of {event.scaleMax}
          {event.comment && <span className="quote">{event.comment}</span>}
        </p>
      );
    case 'ReviewEvent':
      return (
        <p className="details">
          <span aria-label={`${event.rating} of ${event.reviewScaleMax}`}>{'★'.repeat(Math.max(0, Math.min(event.rating, 10)))}</span> on {event.platform}
          {event.title && <strong> {event.title}</strong>}
          {event.text && <span className="quote">{event.text}</span>}
        </p>
      );
    default:
      return null;
  }
}

/** Re-threading: moves a mis-grouped interaction into another of the customer's cases. */
function MoveToCase({ event, cases, onMoved }: { event: TimelineEvent; cases: CaseChoice[]; onMoved(): void }) {
  const [, move] = useMutation(MoveEventsMutation);
  const [target, setTarget] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const selectId = useId();
  const problemId = useId();
  const choices = cases.filter((c) => c.id !== event.case?.id);
  if (choices.length === 0) return null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!target) return setProblem('Choose a case.');
    const result = await move({ input: { caseId: target, eventIds: [event.id] } });
    const errors = result.data?.moveEventsToCase.userErrors ?? [];
    if (result.error) setProblem(errorMessage(result.error));
    else if (errors.length) setProblem(errors.map((x) => x.message).join(' '));
    else {
      setProblem(null);
      setTarget('');
      onMoved();
    }
  }

  return (
    <details className="move">
      <summary>Move to another case</summary>
      <form onSubmit={submit}>
        <label htmlFor={selectId}>Case for this {KIND_NAME[event.kind]?.toLowerCase() ?? 'event'}</label>
        <select id={selectId} value={target} onChange={(e) => setTarget(e.target.value)} aria-invalid={problem ? true : undefined} aria-describedby={problem ? problemId : undefined}>
          <option value="">Choose…</option>
          {choices.map((c) => (
            <option key={c.id} value={c.id}>
              Case {c.number}: {c.subject} ({words(c.status)})
            </option>
          ))}
        </select>
        <button type="submit">Move</button>
        {problem && (
          <p id={problemId} role="alert" className="error">
            {problem}
          </p>
        )}
      </form>
    </details>
  );
}
