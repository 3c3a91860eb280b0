import { GraphQLError } from 'graphql';
import { Field, ID, ObjectType } from 'type-graphql';

/** The `extensions.code` of every top-level GraphQL error this server returns. */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
  /** The operation ran past its time limit; safe to retry. */
  TIMEOUT = 'TIMEOUT',
  /** The database cannot be reached (HTTP 503 with Retry-After); safe to retry. */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** The `code` of a `UserError`: a problem in a mutation's input that the caller can fix. */
export enum UserErrorCode {
  INVALID = 'INVALID',
  REQUIRED = 'REQUIRED',
  TOO_LONG = 'TOO_LONG',
  OUT_OF_RANGE = 'OUT_OF_RANGE',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  IDENTIFIER_TAKEN = 'IDENTIFIER_TAKEN',
  AMBIGUOUS = 'AMBIGUOUS',
  ALREADY_MERGED = 'ALREADY_MERGED',
  NOT_MERGED = 'NOT_MERGED',
  /** The database refused the item (a constraint or trigger of the deployment); nothing of it was stored. */
  REFUSED = 'REFUSED',
  /** The identifier belongs to an erased customer who asked not to be recorded again. */
  SUPPRESSED = 'SUPPRESSED',
}

@ObjectType({ description: 'A problem with a mutation input that the caller can fix. Nothing was written.' })
export class UserError {
  @Field(() => [String], {
    nullable: true,
    description: 'Path to the input field at fault, starting at the argument, e.g. ["input", "events", "3", "call", "fromNumber"].',
  })
  field?: string[] | null;

  @Field({ description: 'What is wrong, in words an integrator can act on.' })
  message!: string;

  @Field({
    description:
      'Stable machine-readable code: INVALID, REQUIRED, TOO_LONG, OUT_OF_RANGE, NOT_FOUND, CONFLICT, IDENTIFIER_TAKEN, AMBIGUOUS, ALREADY_MERGED, NOT_MERGED, REFUSED, SUPPRESSED.',
  })
  code!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'For IDENTIFIER_TAKEN: the customer who owns the identifier, so the caller can decide to merge. Null otherwise.',
  })
  customerId?: string | null;

  static of(code: UserErrorCode, message: string, field?: (string | number)[], customerId?: string): UserError {
    const error = new UserError();
    error.code = code;
    error.message = message;
    error.field = field?.map(String) ?? null;
    error.customerId = customerId ?? null;
    return error;
  }
}

/** Raised inside a service to abandon a write; the resolver turns it into `userErrors`. */
export class UserInputProblem extends Error {
  constructor(readonly errors: UserError[]) {
    super(errors.map((e) => e.message).join('; '));
  }
  static one(code: UserErrorCode, message: string, field?: (string | number)[]): UserInputProblem {
    return new UserInputProblem([UserError.of(code, message, field)]);
  }
}

export function badUserInput(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...extra } });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.NOT_FOUND } });
}

export function unauthenticated(message = 'A valid credential is required: send Authorization: Bearer <API key or token>.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

export function rateLimited(message: string, retryAfterSeconds: number, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.RATE_LIMITED, retryAfterSeconds, ...extra, http: { status: 429 } } });
}

export function conflict(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.CONFLICT } });
}

export function timedOut(message = 'The operation ran out of time; it is safe to retry.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.TIMEOUT } });
}

/** Seconds a client is asked to wait before retrying when the database cannot be reached. */
export const RETRY_AFTER_SECONDS = 5;

export function serviceUnavailable(message = 'The database cannot be reached right now; retry in a few seconds.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, retryAfterSeconds: RETRY_AFTER_SECONDS } });
}

/** Whether `error` is the BAD_USER_INPUT error badUserInput makes. */
export function isBadUserInput(error: unknown): boolean {
  return error instanceof GraphQLError && error.extensions.code === ErrorCode.BAD_USER_INPUT;
}
