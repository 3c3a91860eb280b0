import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useQuery } from 'urql';
import { useLocation } from 'wouter';
import { errorMessage } from '../api/client';
import { graphql } from '../api/graphql';
import { identifierLabel } from '../ui/format';

const SearchQuery = graphql(`
  query ConsoleSearch($query: String!) {
    searchCustomers(query: $query, first: 8) {
      edges { node { id displayName identifiers { kind value namespace } } }
    }
  }
`);

const MIN_LENGTH = 3;

/**
 * The search box (an ARIA combobox): results as you type, arrow keys to move, Enter to open,
 * Escape to close. Names, e-mails, phones in any format, handles and order numbers.
 */
export function CustomerSearch() {
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [, navigate] = useLocation();
  const inputId = useId();
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);

  // A request per pause in typing, not per key.
  useEffect(() => {
    const timer = setTimeout(() => setQuery(text.trim()), 200);
    return () => clearTimeout(timer);
  }, [text]);

  const [result] = useQuery({ query: SearchQuery, variables: { query }, pause: query.length < MIN_LENGTH });
  const customers = query.length >= MIN_LENGTH ? (result.data?.searchCustomers.edges.map((e) => e.node) ?? []) : [];
  const showList = open && query.length >= MIN_LENGTH;

  useEffect(() => setActive(0), [query]);

  function choose(id: string) {
    setOpen(false);
    setText('');
    navigate(`/customers/${encodeURIComponent(id)}`);
    input.current?.blur();
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(i + 1, customers.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (event.key === 'Enter' && showList && customers[active]) {
      event.preventDefault();
      choose(customers[active].id);
    } else if (event.key === 'Escape') {
      setOpen(false);
    }
  }

  const optionId = (index: number) => `${listId}-option-${index}`;
  return (
    <div className="search" role="search">
      <label htmlFor={inputId} className="visually-hidden">
        Search customers
      </label>
      <input
        id={inputId}
        ref={input}
        type="search"
        placeholder="Search customers"
        autoComplete="off"
        spellCheck={false}
        role="combobox"
        aria-expanded={showList}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showList && customers[active] ? optionId(active) : undefined}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" aria-label="Customers found" className="search-results" hidden={!showList}>
        {result.fetching && customers.length === 0 && <li className="muted">Searching…</li>}
        {result.error && <li className="error">{errorMessage(result.error)}</li>}
        {!result.fetching && !result.error && customers.length === 0 && <li className="muted">No customer matches “{query}”.</li>}
        {customers.map((customer, index) => (
          <li
            key={customer.id}
            id={optionId(index)}
            role="option"
            aria-selected={index === active}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => choose(customer.id)}
            onMouseEnter={() => setActive(index)}
          >
            <strong>{customer.displayName}</strong>
            <span className="muted">{customer.identifiers.slice(0, 3).map(identifierLabel).join(' · ')}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
