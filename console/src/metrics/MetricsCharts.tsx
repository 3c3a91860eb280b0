import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDate, words } from '../ui/format';

interface Interval {
  start: string;
  inboundContacts: number;
  casesOpened: number;
  casesResolved: number;
  answeredRate?: number | null;
  csat?: number | null;
}

/** Contacts and cases per interval, and the answered rate and CSAT beside them (the table below holds the same numbers). */
export function IntervalChart({ intervals }: { intervals: readonly Interval[] }) {
  const data = intervals.map((i) => ({
    label: formatDate(i.start),
    'Inbound contacts': i.inboundContacts,
    'Cases opened': i.casesOpened,
    'Cases resolved': i.casesResolved,
    'Answered %': i.answeredRate == null ? null : Math.round(i.answeredRate * 100),
    'CSAT %': i.csat == null ? null : Math.round(i.csat * 100),
  }));
  return (
    <figure className="chart">
      <figcaption>Contacts and cases per interval</figcaption>
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={data} margin={{ left: -16, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" fontSize={12} />
          <YAxis fontSize={12} allowDecimals={false} />
          <Tooltip />
          <Legend />
          <Bar dataKey="Inbound contacts" fill="#2f6f9f" />
          <Bar dataKey="Cases opened" fill="#d08c2f" />
          <Bar dataKey="Cases resolved" fill="#4c9a5b" />
        </BarChart>
      </ResponsiveContainer>
      <figcaption>Answered calls and CSAT per interval (%)</figcaption>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={data} margin={{ left: -16, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" fontSize={12} />
          <YAxis fontSize={12} domain={[0, 100]} />
          <Tooltip />
          <Legend />
          <Line type="monotone" dataKey="Answered %" stroke="#2f6f9f" connectNulls isAnimationActive={false} />
          <Line type="monotone" dataKey="CSAT %" stroke="#a3418a" connectNulls isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** Inbound contacts and cases opened per channel. */
export function ChannelChart({ channels }: { channels: readonly { channel: string; inboundContacts: number; casesOpened: number }[] }) {
  const data = channels.map((c) => ({ label: words(c.channel), 'Inbound contacts': c.inboundContacts, 'Cases opened': c.casesOpened }));
  return (
    <figure className="chart">
      <figcaption>Per channel</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data} margin={{ left: -16, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" fontSize={12} />
          <YAxis fontSize={12} allowDecimals={false} />
          <Tooltip />
          <Legend />
          <Bar dataKey="Inbound contacts" fill="#2f6f9f" isAnimationActive={false} />
          <Bar dataKey="Cases opened" fill="#d08c2f" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
