/** Undo steps registered as resources are acquired, run newest first, each once, whatever fails. */
export class Cleanup {
  private readonly steps: { name: string; undo: () => Promise<unknown> }[] = [];
  private running: Promise<void> | null = null;

  add(name: string, undo: () => Promise<unknown>): void {
    this.steps.push({ name, undo });
  }

  /** Runs every step; a failing step is reported and the rest still run. Repeated calls share one run. */
  run(): Promise<void> {
    this.running ??= this.drain();
    return this.running;
  }

  private async drain(): Promise<void> {
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.undo();
      } catch (error) {
        process.exitCode = 1;
        console.error(`cleanup: could not ${step.name}:`, error);
      }
    }
  }
}

/** Runs `body` with its own undo steps, undone when it ends (or by `cleanup`, if the run is stopped first). */
export async function inSection<T>(cleanup: Cleanup, body: (section: Cleanup) => Promise<T>): Promise<T> {
  const section = new Cleanup();
  cleanup.add('clean up a benchmark section', () => section.run());
  try {
    return await body(section);
  } finally {
    await section.run();
  }
}
