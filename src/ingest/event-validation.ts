import { z } from 'zod';
import { UserError, UserErrorCode } from '../core/errors';
import { body, check, storableString, text } from '../core/validation';
import { normaliseEmail, normaliseHandle, normaliseIdentifier, normaliseNamespace, normalisePhone, type NormalisedIdentifier } from '../customers/identifier-normalisation';
import { keyOf } from '../relay/global-id';
import { CallOutcome, Channel, Direction, EventKind, PurchaseStatus, SurveyKind } from '../core/enums';
import { ALLOWED_CHANNELS, DEFAULT_CHANNEL } from './event-channels';
import { moneySchema } from './money';
import type { RecordEventCommonInput } from './record-event.types';
import { summarise } from '../timeline/summary';

/** A platform name as namespaces are kept ("Instagram" → "instagram"), for messages and reviews alike. */
const platform = () =>
  storableString().transform((value, ctx) => {
    const normalised = normaliseNamespace(value);
    if (normalised.ok) return normalised.value;
    ctx.addIssue({ code: 'custom', message: normalised.message });
    return z.NEVER;
  });

/** An event that passed validation, ready to store. */
export interface ValidatedEvent {
  kind: EventKind;
  customer: { key: string } | { identifier: NormalisedIdentifier };
  channel: Channel;
  occurredAt: Date;
  direction: Direction | null;
  source: string | null;
  externalId: string | null;
  agentId: string | null;
  summary: string;
  details: Record<string, unknown>;
  /** Survey responses: the event they are about, which must exist. */
  aboutEventKey: string | null;
  /** The case the input named (`caseId`). */
  caseKey: string | null;
}

export type Validation = { ok: true; event: ValidatedEvent } | { ok: false; errors: UserError[] };

const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
/** The earliest `occurredAt` taken: older dates are typos or placeholders (year 0000, 1899-12-30), not history. */
export const EARLIEST_OCCURRED_AT = new Date('1970-01-01T00:00:00Z');
/** Stars out of five, unless the platform says otherwise. */
export const REVIEW_SCALE_MAX = 5;
const SCALES: Record<SurveyKind, { min: number; max: number }> = {
  [SurveyKind.CSAT]: { min: 1, max: 5 },
  [SurveyKind.NPS]: { min: 0, max: 10 },
  [SurveyKind.CES]: { min: 1, max: 7 },
};

const url = storableString()
  .trim()
  .max(2000, { message: 'must be at most 2000 characters' })
  .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), { message: 'must be an http(s) URL' });

const commonSchema = z.object({
  occurredAt: z
    .date()
    .refine((at) => at.getTime() >= EARLIEST_OCCURRED_AT.getTime(), {
      message: `is before ${EARLIEST_OCCURRED_AT.toISOString()}, the earliest date taken`,
      params: { userErrorCode: UserErrorCode.OUT_OF_RANGE },
    })
    .refine((at) => at.getTime() <= Date.now() + MAX_FUTURE_MS, { message: 'is more than a day in the future', params: { userErrorCode: UserErrorCode.OUT_OF_RANGE } }),
  direction: z.enum(Direction).nullish(),
  source: text(100).nullish(),
  externalId: text(200).nullish(),
  agentId: text(200).nullish(),
  summary: text(300).nullish(),
  channel: z.enum(Channel).nullish(),
});

const seconds = z.number().int().min(0, { message: 'must not be negative' }).max(7 * 24 * 3600, { message: 'must be at most a week' });

function phone(region: string) {
  return storableString().transform((value, ctx) => {
    const normalised = normalisePhone(value, region);
    if (normalised.ok) return normalised.value;
    ctx.addIssue({ code: 'custom', message: normalised.message });
    return z.NEVER;
  });
}

const email = storableString().transform((value, ctx) => {
  const normalised = normaliseEmail(value);
  if (normalised.ok) return normalised.value;
  ctx.addIssue({ code: 'custom', message: normalised.message });
  return z.NEVER;
});

/** Building the schemas costs more than using them; there is one default region per server. */
const schemasByRegion = new Map<string, ReturnType<typeof buildDetailSchemas>>();
function detailSchemas(region: string) {
  let schemas = schemasByRegion.get(region);
  if (!schemas) schemasByRegion.set(region, (schemas = buildDetailSchemas(region)));
  return schemas;
}

function buildDetailSchemas(region: string) {
  return {
    [EventKind.CALL]: z.object({
      fromNumber: phone(region).nullish(),
      toNumber: phone(region).nullish(),
      outcome: z.enum(CallOutcome),
      waitSeconds: seconds.nullish(),
      durationSeconds: seconds.nullish(),
      recordingUrl: url.nullish(),
      transcript: body(200_000).nullish(),
    }),
    [EventKind.EMAIL]: z.object({
      fromAddress: email,
      toAddresses: z.array(email).min(1, { message: 'must name at least one address' }).max(100),
      subject: body(998).nullish(),
      bodyText: body(200_000).nullish(),
      threadId: text(500).nullish(),
      messageId: text(998).nullish(),
    }),
    [EventKind.SOCIAL_MESSAGE]: z
      .object({
        platform: platform(),
        handle: storableString(),
        threadId: text(500).nullish(),
        text: text(20_000),
      })
      .transform((message, ctx) => {
        const handle = normaliseHandle(message.handle, message.platform, region);
        if (handle.ok) return { ...message, handle: handle.value };
        ctx.addIssue({ code: 'custom', path: ['handle'], message: handle.message });
        return z.NEVER;
      }),
    [EventKind.PURCHASE]: z
      .object({
        orderNumber: text(100),
        status: z.enum(PurchaseStatus),
        total: moneySchema,
        items: z
          .array(
            z.object({
              sku: text(100).nullish(),
              name: text(500),
              quantity: z.number().int().min(1, { message: 'must be at least 1' }).max(1_000_000),
              unitPrice: moneySchema,
            }),
          )
          .max(1000, { message: 'must hold at most 1000 items' }),
      })
      .superRefine((order, ctx) => {
        order.items.forEach((item, i) => {
          if (item.unitPrice.currency !== order.total.currency) {
            ctx.addIssue({ code: 'custom', path: ['items', i, 'unitPrice', 'currency'], message: `Line items must be in the order's currency (${order.total.currency}).` });
          }
        });
      }),
    [EventKind.SURVEY_RESPONSE]: z
      .object({
        survey: z.enum(SurveyKind),
        score: z.number().int(),
        scaleMax: z.number().int().min(2, { message: 'must be at least 2' }).max(100, { message: 'must be at most 100' }).nullish(),
        comment: body(5000).nullish(),
        aboutEventId: storableString().nullish(),
      })
      .transform((survey, ctx) => {
        const scale = SCALES[survey.survey];
        const max = survey.scaleMax ?? scale.max;
        if (survey.score < scale.min || survey.score > max) {
          ctx.addIssue({
            code: 'custom',
            path: ['score'],
            message: `A ${survey.survey} score must be between ${scale.min} and ${max}, got ${survey.score}.`,
            params: { userErrorCode: UserErrorCode.OUT_OF_RANGE },
          });
          return z.NEVER;
        }
        if (survey.aboutEventId != null && !keyOf(survey.aboutEventId, 'TimelineEvent')) {
          ctx.addIssue({ code: 'custom', path: ['aboutEventId'], message: 'Not a timeline event id.' });
          return z.NEVER;
        }
        return { ...survey, scaleMax: max, comment: survey.comment ?? null, aboutEventId: survey.aboutEventId ?? null };
      }),
    [EventKind.REVIEW]: z
      .object({
        platform: platform(),
        rating: z.number().int(),
        scaleMax: z.number().int().min(2, { message: 'must be at least 2' }).max(100, { message: 'must be at most 100' }).nullish(),
        title: text(300).nullish(),
        text: body(20_000).nullish(),
        url: url.nullish(),
      })
      .transform((review, ctx) => {
        const max = review.scaleMax ?? REVIEW_SCALE_MAX;
        if (review.rating < 1 || review.rating > max) {
          ctx.addIssue({ code: 'custom', path: ['rating'], message: `A rating must be between 1 and ${max}, got ${review.rating}.`, params: { userErrorCode: UserErrorCode.OUT_OF_RANGE } });
          return z.NEVER;
        }
        return { ...review, scaleMax: max, title: review.title ?? null, text: review.text ?? null, url: review.url ?? null };
      }),
  } satisfies Record<EventKind, z.ZodType>;
}

/** Validates and normalises one record*Input without touching the database. */
export function validateEvent(kind: EventKind, input: RecordEventCommonInput, path: (string | number)[], region: string): Validation {
  const errors: UserError[] = [];

  let customer: ValidatedEvent['customer'] | null = null;
  if ((input.customerId == null) === (input.identifier == null)) {
    errors.push(UserError.of(UserErrorCode.INVALID, 'Name the customer with exactly one of `customerId` and `identifier`.', path));
  } else if (input.customerId != null) {
    const key = keyOf(input.customerId, 'Customer');
    if (key) customer = { key };
    else errors.push(UserError.of(UserErrorCode.INVALID, 'Not a customer id.', [...path, 'customerId']));
  } else {
    const identifier = normaliseIdentifier(input.identifier!, region);
    if (identifier.ok) customer = { identifier: identifier.value };
    else errors.push(UserError.of(UserErrorCode.INVALID, identifier.message, [...path, 'identifier', 'value']));
  }

  const common = check(commonSchema, input, path);
  if (!common.ok) errors.push(...common.errors);
  const caseKey = input.caseId == null ? null : keyOf(input.caseId, 'Case');
  if (input.caseId != null && !caseKey) errors.push(UserError.of(UserErrorCode.INVALID, 'Not a case id.', [...path, 'caseId']));
  const details = check(detailSchemas(region)[kind], input, path);
  if (!details.ok) errors.push(...details.errors);

  const channel = (common.ok && common.value.channel) || DEFAULT_CHANNEL[kind];
  if (!ALLOWED_CHANNELS[kind].includes(channel)) {
    errors.push(UserError.of(UserErrorCode.INVALID, `A ${kind} event cannot be on channel ${channel}; use one of ${ALLOWED_CHANNELS[kind].join(', ')}.`, [...path, 'channel']));
  }
  if (common.ok && common.value.externalId != null && common.value.source == null) {
    errors.push(UserError.of(UserErrorCode.REQUIRED, 'An externalId needs the `source` it belongs to.', [...path, 'source']));
  }
  if (errors.length > 0 || !common.ok || !details.ok || !customer) return { ok: false, errors };

  const { aboutEventId, ...rest } = details.value as Record<string, unknown>;
  const detailValues: Record<string, unknown> = { ...rest };
  if (kind === EventKind.SURVEY_RESPONSE) detailValues.aboutEventId = aboutEventId ?? null;
  for (const [name, value] of Object.entries(detailValues)) if (value === undefined) detailValues[name] = null;

  return {
    ok: true,
    event: {
      kind,
      customer,
      channel,
      occurredAt: common.value.occurredAt,
      direction: common.value.direction ?? null,
      source: common.value.source ?? null,
      externalId: common.value.externalId ?? null,
      agentId: common.value.agentId ?? null,
      summary: common.value.summary ?? summarise(kind, common.value.direction, detailValues),
      details: detailValues,
      aboutEventKey: typeof aboutEventId === 'string' ? keyOf(aboutEventId, 'TimelineEvent') : null,
      caseKey,
    },
  };
}
