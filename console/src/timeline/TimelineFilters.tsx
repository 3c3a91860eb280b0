import { useId } from 'react';
import { words } from '../ui/format';

export const KINDS = ['CALL', 'EMAIL', 'SOCIAL_MESSAGE', 'PURCHASE', 'SURVEY_RESPONSE', 'REVIEW'] as const;
export const CHANNELS = ['PHONE', 'EMAIL', 'SOCIAL', 'SMS', 'CHAT', 'WEB', 'IN_STORE', 'VIDEO'] as const;
export type Kind = (typeof KINDS)[number];
export type ChannelName = (typeof CHANNELS)[number];
export interface Filter {
  kinds: Kind[];
  channels: ChannelName[];
}

const KIND_LABEL: Record<Kind, string> = { CALL: 'Calls', EMAIL: 'E-mails', SOCIAL_MESSAGE: 'Messages', PURCHASE: 'Purchases', SURVEY_RESPONSE: 'Surveys', REVIEW: 'Reviews' };

/** Which kinds and channels the timeline shows; none ticked means all. */
export function TimelineFilters({ filter, onChange }: { filter: Filter; onChange(filter: Filter): void }) {
  const id = useId();
  const toggle = <T,>(list: T[], value: T) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);
  return (
    <div className="filters">
      <fieldset>
        <legend>Kinds</legend>
        {KINDS.map((kind) => (
          <label key={kind} className="chip" htmlFor={`${id}-kind-${kind}`}>
            <input id={`${id}-kind-${kind}`} type="checkbox" checked={filter.kinds.includes(kind)} onChange={() => onChange({ ...filter, kinds: toggle(filter.kinds, kind) })} />
            {KIND_LABEL[kind]}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Channels</legend>
        {CHANNELS.map((channel) => (
          <label key={channel} className="chip" htmlFor={`${id}-channel-${channel}`}>
            <input
              id={`${id}-channel-${channel}`}
              type="checkbox"
              checked={filter.channels.includes(channel)}
              onChange={() => onChange({ ...filter, channels: toggle(filter.channels, channel) })}
            />
            {channel === 'IN_STORE' ? 'In store' : words(channel)}
          </label>
        ))}
      </fieldset>
    </div>
  );
}
