/** Identifiers, handles, order numbers and external ids already handed out. */
export class Registry {
  private readonly used = new Set<string>();

  /** Marks a value as taken; false when it already was. */
  claim(space: string, value: string): boolean {
    const key = `${space}\u0000${value}`;
    if (this.used.has(key)) return false;
    this.used.add(key);
    return true;
  }

  /** A value from `make` not handed out before in `space`. */
  unique(space: string, make: (attempt: number) => string): string {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const value = make(attempt);
      if (this.claim(space, value)) return value;
    }
    throw new Error(`demo data: ran out of unique values for ${space}`);
  }
}
