import { Link } from 'wouter';
import { CustomerSearch } from '../customers/CustomerSearch';
import { hasScope, useSession } from '../session/session';

export function Header() {
  const { viewer, signOut } = useSession();
  return (
    <header className="top">
      <Link href="/" className="brand">
        Customer Timeline
      </Link>
      <CustomerSearch />
      <nav aria-label="Pages">
        {hasScope(viewer, 'METRICS_READ') && <Link href="/metrics">Metrics</Link>}
        <span className="viewer" title={viewer.role ?? undefined}>
          {viewer.name}
        </span>
        <button type="button" className="link" onClick={() => signOut()}>
          Sign out
        </button>
      </nav>
    </header>
  );
}
