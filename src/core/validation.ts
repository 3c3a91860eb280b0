import { z } from 'zod';
import { UserError, UserErrorCode } from './errors';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from './storable-text';

/** Any string PostgreSQL can store as given (see storable-text.ts); the base of every text field. */
export const storableString = () => z.string().refine(isStorableText, { message: UNSTORABLE_TEXT_MESSAGE, abort: true });

/** Bounded free text: trimmed, at most `max` characters, empty strings refused. */
export const text = (max: number) =>
  storableString()
    .trim()
    .min(1, { message: 'must not be empty' })
    .max(max, { message: `must be at most ${max} characters` });

/** A BCP 47 language tag, stored in canonical form ("en-gb" becomes "en-GB"). */
export const languageTag = (example: string) =>
  storableString()
    .trim()
    .max(35, { message: 'must be at most 35 characters' })
    .transform((value, ctx) => {
      try {
        return Intl.getCanonicalLocales(value)[0];
      } catch {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not a BCP 47 language tag such as ${example}.` });
        return z.NEVER;
      }
    });

/** Same, but keeps inner and outer whitespace (message bodies, transcripts). */
export const body = (max: number) => storableString().max(max, { message: `must be at most ${max} characters` });

/** A custom problem with a chosen user-error code, for `ctx.addIssue` in refinements. */
export function issue(code: UserErrorCode, message: string, path: (string | number)[] = []) {
  return { code: 'custom' as const, message, path, params: { userErrorCode: code } };
}

/** Maps zod issues onto `UserError`s whose `field` starts at `basePath` (usually ["input"]). */
export function toUserErrors(error: z.ZodError, basePath: (string | number)[]): UserError[] {
  return error.issues.map((i) => {
    const field = [...basePath, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    const name = field[field.length - 1];
    let code = UserErrorCode.INVALID;
    const chosen = i.code === 'custom' ? (i.params?.userErrorCode as UserErrorCode | undefined) : undefined;
    if (chosen) {
      code = chosen;
    } else if (i.code === 'too_big') {
      code = i.origin === 'string' ? UserErrorCode.TOO_LONG : UserErrorCode.OUT_OF_RANGE;
    } else if (i.code === 'too_small') {
      code = i.origin === 'string' && i.minimum === 1 ? UserErrorCode.REQUIRED : UserErrorCode.OUT_OF_RANGE;
    }
    // Messages written as a sentence stand alone; the rest ("must be ...") get the field's name.
    const message = i.code === 'custom' && /^[A-Z"`]/.test(i.message) ? i.message : `\`${String(name)}\` ${i.message}`;
    return UserError.of(code, message, field);
  });
}

/** Parses with `schema`, answering either the parsed value or the user errors. */
export function check<T extends z.ZodType>(
  schema: T,
  value: unknown,
  basePath: (string | number)[],
): { ok: true; value: z.output<T> } | { ok: false; errors: UserError[] } {
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: toUserErrors(parsed.error, basePath) };
}
