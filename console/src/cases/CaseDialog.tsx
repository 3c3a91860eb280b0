import { useEffect, useId, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage } from '../api/client';
import { formatDateTime, formatSeconds, words } from '../ui/format';
import { CaseQuery, UpdateCaseMutation } from './case-queries';

/** A case opened from the timeline: its figures, events and history; resolve or reopen it. */
export function CaseDialog({ caseId, onClose, onChanged }: { caseId: string; onClose(): void; onChanged(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [result, refetch] = useQuery({ query: CaseQuery, variables: { id: caseId } });
  const [update, sendUpdate] = useMutation(UpdateCaseMutation);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  const found = result.data?.node;
  const supportCase = found && 'number' in found ? found : null;

  async function setStatus(status: 'RESOLVED' | 'OPEN') {
    if (!supportCase) return;
    const outcome = await sendUpdate({ input: { caseId: supportCase.id, status, expectedVersion: supportCase.version } });
    const errors = outcome.data?.updateCase.userErrors ?? [];
    if (outcome.error) setProblem(errorMessage(outcome.error));
    else if (errors.length) setProblem(errors.map((e) => e.message).join(' '));
    else {
      setProblem(null);
      refetch();
      onChanged();
    }
  }

  const open = supportCase && (supportCase.status === 'OPEN' || supportCase.status === 'PENDING');
  return (
    <dialog ref={dialog} className="case-dialog" aria-labelledby={titleId} onClose={onClose}>
      <div className="dialog-head">
        <h2 id={titleId}>{supportCase ? `Case ${supportCase.number}: ${supportCase.subject}` : 'Case'}</h2>
        <button type="button" className="link" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
      {result.fetching && !supportCase && <p>Loading…</p>}
      {result.error && (
        <p role="alert" className="error">
          {errorMessage(result.error)}
        </p>
      )}
      {supportCase && (
        <>
          <dl className="facts">
            <dt>Status</dt>
            <dd>{words(supportCase.status)}</dd>
            <dt>Opened</dt>
            <dd>{formatDateTime(supportCase.openedAt)}</dd>
            <dt>First response</dt>
            <dd>{supportCase.firstResponseAt ? `${formatDateTime(supportCase.firstResponseAt)} (${formatSeconds((Date.parse(supportCase.firstResponseAt) - Date.parse(supportCase.openedAt)) / 1000)})` : '—'}</dd>
            <dt>Resolved</dt>
            <dd>{formatDateTime(supportCase.resolvedAt)}</dd>
            <dt>Channels</dt>
            <dd>{supportCase.channels.map(words).join(', ') || '—'}</dd>
            <dt>Contacts · reopened</dt>
            <dd>
              {supportCase.contactCount} · {supportCase.reopenCount}
            </dd>
            {supportCase.agentId && (
              <>
                <dt>Agent</dt>
                <dd>{supportCase.agentId}</dd>
              </>
            )}
            {supportCase.follows && (
              <>
                <dt>Follows</dt>
                <dd>
                  Case {supportCase.follows.number}: {supportCase.follows.subject}
                </dd>
              </>
            )}
          </dl>
          <div className="actions">
            {open ? (
              <button type="button" disabled={update.fetching} onClick={() => void setStatus('RESOLVED')}>
                Resolve case
              </button>
            ) : (
              <button type="button" disabled={update.fetching} onClick={() => void setStatus('OPEN')}>
                Reopen case
              </button>
            )}
            {problem && (
              <p role="alert" className="error">
                {problem}
              </p>
            )}
          </div>
          <h3>Events</h3>
          <ol className="case-events">
            {supportCase.events.edges.map(({ node }) => (
              <li key={node.id}>
                <time dateTime={node.occurredAt}>{formatDateTime(node.occurredAt)}</time> {node.summary}
                {node.caseRule && <span className="muted"> ({words(node.caseRule)})</span>}
              </li>
            ))}
          </ol>
          <h3>History</h3>
          <ol className="case-history">
            {supportCase.history.edges.map(({ node }, index) => (
              <li key={index}>
                <time dateTime={node.at}>{formatDateTime(node.at)}</time> {words(node.change)}
                {node.status && ` → ${words(node.status)}`}
                {node.value && `: ${node.value}`}
                <span className="muted"> by {node.actor}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </dialog>
  );
}
