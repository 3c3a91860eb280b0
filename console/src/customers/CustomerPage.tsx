import { useState } from 'react';
import { useQuery } from 'urql';
import { errorMessage } from '../api/client';
import { CaseDialog } from '../cases/CaseDialog';
import { CasesList } from '../cases/CasesList';
import { Timeline } from '../timeline/Timeline';
import { identifierLabel, words } from '../ui/format';
import { CustomerQuery } from './customer-queries';
import { InsightsPanel } from './InsightsPanel';
import { PreferencesPanel } from './PreferencesPanel';

/** One customer: who she is, how she wants to be contacted, what she is worth, and her whole story. */
export function CustomerPage({ customerId }: { customerId: string }) {
  const [result, refetch] = useQuery({ query: CustomerQuery, variables: { id: customerId } });
  const [openCase, setOpenCase] = useState<string | null>(null);
  const [timelineVersion, setTimelineVersion] = useState(0);
  const customer = result.data?.customer;
  const refresh = () => refetch({ requestPolicy: 'network-only' });

  if (result.error && !customer)
    return (
      <main className="notice">
        <p role="alert" className="error">
          {errorMessage(result.error)}
        </p>
      </main>
    );
  if (!customer) return <main className="notice">{result.fetching ? <p>Loading…</p> : <p>No such customer.</p>}</main>;

  const cases = customer.cases.edges.map((edge) => edge.node);
  return (
    <main className="customer">
      <aside className="profile" aria-label="Customer">
        <h1>{customer.displayName}</h1>
        <a className="skip" href="#timeline-heading">
          Skip to the timeline
        </a>
        <ul className="identifiers" aria-label="Identifiers">
          {customer.identifiers.map((identifier) => (
            <li key={`${identifier.kind}:${identifier.namespace}:${identifier.value}`}>
              <span className="muted">{words(identifier.kind)}</span> {identifierLabel(identifier)}
            </li>
          ))}
        </ul>
        <PreferencesPanel customerId={customer.id} preferences={customer.preferences} onSaved={refresh} />
        <InsightsPanel insights={customer.insights} />
        <CasesList cases={cases} onOpenCase={setOpenCase} />
      </aside>
      <Timeline customerId={customer.id} cases={cases} version={timelineVersion} onOpenCase={setOpenCase} onChanged={refresh} />
      {openCase && (
        <CaseDialog
          caseId={openCase}
          onClose={() => setOpenCase(null)}
          onChanged={() => {
            refresh();
            setTimelineVersion((v) => v + 1);
          }}
        />
      )}
    </main>
  );
}
