import { z } from 'zod';
import { languageTag, storableString, text } from '../core/validation';

const optionalName = text(200).nullish();

/** The profile fields of an upsert, as stored. */
export const profileSchema = z.object({
  displayName: text(200).nullish(),
  givenName: optionalName,
  familyName: optionalName,
  locale: languageTag('"en-GB"').nullish(),
  timeZone: storableString()
    .trim()
    .max(64)
    .refine((zone) => isTimeZone(zone), { message: 'is not an IANA time zone such as "Europe/London".' })
    .nullish(),
  expectedVersion: z.number().int().min(1).nullish(),
  clientRef: storableString().max(200).nullish(),
  source: text(100).nullish(),
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
