import { createHash } from 'node:crypto';

/**
 * Names for statements, so that each pooled connection parses and plans a statement once and
 * then only binds and executes it: on the agent card this is a sixth of the server's work
 * (`BENCH_ONLY=card npm run bench`). pg prepares a named statement on first use per connection
 * and keeps it for the connection's life.
 *
 * Only statements with parameters are named: they already go through the extended protocol, so
 * naming changes nothing else (one statement per text, no multi-statement strings). Texts are
 * built from a fixed set of fragments, but combinations of filters and changed columns add up;
 * past MAX_NAMED distinct texts a process runs the rest unnamed, as before, rather than let
 * every connection keep an unbounded set.
 */
export const MAX_NAMED = 500;

export class PreparedStatements {
  private readonly names = new Map<string, string>();

  /** The name `text` runs under, or undefined to run it unnamed. */
  nameOf(text: string, paramCount: number): string | undefined {
    if (paramCount === 0) return undefined;
    const known = this.names.get(text);
    if (known !== undefined || this.names.size >= MAX_NAMED) return known;
    const name = `ct_${createHash('sha1').update(text).digest('base64url').slice(0, 22)}`;
    this.names.set(text, name);
    return name;
  }
}
