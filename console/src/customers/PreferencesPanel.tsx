import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../api/client';
import type { ResultOf, VariablesOf } from '../api/graphql';
import { errorsFor, otherErrors, type UserError } from '../api/user-errors';
import { CHANNELS, type ChannelName } from '../timeline/TimelineFilters';
import { formatDate, words } from '../ui/format';
import { UpdatePreferencesMutation, type CustomerQuery } from './customer-queries';

type Preferences = NonNullable<ResultOf<typeof CustomerQuery>['customer']>['preferences'];
type Input = VariablesOf<typeof UpdatePreferencesMutation>['input'];

/** How she wants to be contacted, and what she allowed: read at a glance, changed in place, notes added. */
export function PreferencesPanel({ customerId, preferences, onSaved }: { customerId: string; preferences: Preferences; onSaved(): void }) {
  const [editing, setEditing] = useState(false);
  const [, update] = useMutation(UpdatePreferencesMutation);
  const [errors, setErrors] = useState<UserError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const noteId = useId();
  const noteErrorId = useId();

  async function save(input: Omit<Input, 'customerId'>): Promise<boolean> {
    const result = await update({ input: { customerId, ...input } });
    const userErrors = result.data?.updatePreferences.userErrors ?? [];
    setFailure(result.error ? errorMessage(result.error) : null);
    setErrors([...userErrors]);
    if (result.error || userErrors.length) return false;
    onSaved();
    return true;
  }

  async function addNote(event: FormEvent) {
    event.preventDefault();
    if (!note.trim()) return setErrors([{ field: ['input', 'notes'], message: 'Write the note first.', code: 'REQUIRED' }]);
    if (await save({ notes: [...preferences.notes, note.trim()] })) setNote('');
  }

  const noteErrors = errorsFor(errors, 'notes');
  return (
    <section aria-labelledby="preferences-heading" className="panel">
      <div className="panel-head">
        <h2 id="preferences-heading">Preferences</h2>
        {!editing && (
          <button type="button" className="link" onClick={() => setEditing(true)}>
            Edit preferences
          </button>
        )}
      </div>
      {editing ? (
        <PreferencesForm
          preferences={preferences}
          errors={errors}
          onCancel={() => {
            setEditing(false);
            setErrors([]);
          }}
          onSave={async (input) => {
            if (await save(input)) setEditing(false);
          }}
        />
      ) : (
        <dl className="facts">
          <dt>Prefers</dt>
          <dd>{preferences.preferredChannel ? words(preferences.preferredChannel) : 'not stated'}</dd>
          <dt>Contact hours</dt>
          <dd>{preferences.contactHours ?? 'not stated'}</dd>
          <dt>Language</dt>
          <dd>{preferences.language ?? 'not stated'}</dd>
          <dt>Consents</dt>
          <dd>
            <ul className="consents">
              {preferences.consents.map((c) => (
                <li key={c.channel} className={c.granted ? 'granted' : 'refused'}>
                  {words(c.channel)}: {c.granted ? 'yes' : 'no'} <span className="muted">since {formatDate(c.updatedAt)}</span>
                </li>
              ))}
              {preferences.consents.length === 0 && <li className="muted">none recorded</li>}
            </ul>
          </dd>
        </dl>
      )}
      <h3>Notes</h3>
      <ul className="notes">
        {preferences.notes.map((text, index) => (
          <li key={index}>{text}</li>
        ))}
        {preferences.notes.length === 0 && <li className="muted">No notes.</li>}
      </ul>
      <form className="add-note" onSubmit={addNote}>
        <label htmlFor={noteId}>Add a note</label>
        <input id={noteId} value={note} onChange={(e) => setNote(e.target.value)} aria-invalid={noteErrors.length ? true : undefined} aria-describedby={noteErrors.length ? noteErrorId : undefined} />
        <button type="submit">Add note</button>
        {noteErrors.length > 0 && (
          <p id={noteErrorId} role="alert" className="error">
            {noteErrors.join(' ')}
          </p>
        )}
      </form>
      {!editing && (failure || otherErrors(errors, ['notes']).length > 0) && (
        <p role="alert" className="error">
          {failure ?? otherErrors(errors, ['notes']).join(' ')}
        </p>
      )}
      {editing && failure && (
        <p role="alert" className="error">
          {failure}
        </p>
      )}
    </section>
  );
}

function PreferencesForm({ preferences, errors, onCancel, onSave }: { preferences: Preferences; errors: UserError[]; onCancel(): void; onSave(input: Omit<Input, 'customerId'>): Promise<void> }) {
  const id = useId();
  const [preferredChannel, setPreferredChannel] = useState<string>(preferences.preferredChannel ?? '');
  const [contactHours, setContactHours] = useState(preferences.contactHours ?? '');
  const [language, setLanguage] = useState(preferences.language ?? '');
  const [consents, setConsents] = useState<Record<string, boolean | undefined>>(() => Object.fromEntries(preferences.consents.map((c) => [c.channel, c.granted])));
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const input: Omit<Input, 'customerId'> = {};
    if (preferredChannel !== (preferences.preferredChannel ?? '')) input.preferredChannel = (preferredChannel || null) as Input['preferredChannel'];
    if (contactHours !== (preferences.contactHours ?? '')) input.contactHours = contactHours || null;
    if (language !== (preferences.language ?? '')) input.language = language || null;
    const changed = CHANNELS.filter((channel) => consents[channel] !== undefined && consents[channel] !== preferences.consents.find((c) => c.channel === channel)?.granted);
    if (changed.length) input.consents = changed.map((channel) => ({ channel, granted: consents[channel]!, source: 'agent console' }));
    setBusy(true);
    await onSave(input);
    setBusy(false);
  }

  const fieldErrors = (field: string) => {
    const messages = errorsFor(errors, field);
    return messages.length ? (
      <p id={`${id}-${field}-error`} role="alert" className="error">
        {messages.join(' ')}
      </p>
    ) : null;
  };
  const described = (field: string) => (errorsFor(errors, field).length ? { 'aria-invalid': true, 'aria-describedby': `${id}-${field}-error` } : {});

  return (
    <form className="preferences-form" onSubmit={submit}>
      <label htmlFor={`${id}-channel`}>Preferred channel</label>
      <select id={`${id}-channel`} value={preferredChannel} onChange={(e) => setPreferredChannel(e.target.value)} {...described('preferredChannel')}>
        <option value="">Not stated</option>
        {CHANNELS.map((channel) => (
          <option key={channel} value={channel}>
            {words(channel)}
          </option>
        ))}
      </select>
      {fieldErrors('preferredChannel')}
      <label htmlFor={`${id}-hours`}>Contact hours</label>
      <input id={`${id}-hours`} value={contactHours} onChange={(e) => setContactHours(e.target.value)} {...described('contactHours')} />
      {fieldErrors('contactHours')}
      <label htmlFor={`${id}-language`}>Language</label>
      <input id={`${id}-language`} value={language} onChange={(e) => setLanguage(e.target.value)} placeholder="e.g. en-GB" {...described('language')} />
      {fieldErrors('language')}
      <fieldset>
        <legend>Consents</legend>
        {CHANNELS.map((channel: ChannelName) => (
          <label key={channel} className="chip" htmlFor={`${id}-consent-${channel}`}>
            <input id={`${id}-consent-${channel}`} type="checkbox" checked={consents[channel] ?? false} onChange={(e) => setConsents({ ...consents, [channel]: e.target.checked })} />
            {words(channel)}
          </label>
        ))}
      </fieldset>
      {fieldErrors('consents')}
      {otherErrors(errors, ['preferredChannel', 'contactHours', 'language', 'consents', 'notes']).map((message) => (
        <p key={message} role="alert" className="error">
          {message}
        </p>
      ))}
      <div className="actions">
        <button type="submit" disabled={busy}>
          Save preferences
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
