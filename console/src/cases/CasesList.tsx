import { formatDate, words } from '../ui/format';

interface CaseSummary {
  id: string;
  number: number;
  subject: string;
  status: string;
  openedAt: string;
  contactCount: number;
}

/** The customer's cases, open ones first as the server orders them by opening; each opens its dialog. */
export function CasesList({ cases, onOpenCase }: { cases: readonly CaseSummary[]; onOpenCase(id: string): void }) {
  return (
    <section aria-labelledby="cases-heading" className="panel">
      <h2 id="cases-heading">Cases</h2>
      {cases.length === 0 ? (
        <p className="muted">No cases.</p>
      ) : (
        <ul className="cases">
          {cases.map((c) => (
            <li key={c.id}>
              <button type="button" className="link" onClick={() => onOpenCase(c.id)}>
                Case {c.number}: {c.subject}
              </button>
              <span className={`status status-${c.status.toLowerCase()}`}>{words(c.status)}</span>
              <span className="muted">
                opened {formatDate(c.openedAt)} · {c.contactCount} contact{c.contactCount === 1 ? '' : 's'}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
