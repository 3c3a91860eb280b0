/** A mutation's user error, as every payload of the API carries them. */
export interface UserError {
  field?: readonly string[] | null;
  message: string;
  code: string;
}

/** The messages of the errors about one input field (its last path segment), for showing next to it. */
export function errorsFor(errors: readonly UserError[] | undefined, field: string): string[] {
  return (errors ?? []).filter((e) => e.field?.includes(field)).map((e) => e.message);
}

/** The messages of errors that name no field the form shows. */
export function otherErrors(errors: readonly UserError[] | undefined, shown: readonly string[]): string[] {
  return (errors ?? []).filter((e) => !e.field?.some((f) => shown.includes(f))).map((e) => e.message);
}
