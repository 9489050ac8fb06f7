/**
 * Runs tasks with the same key one after another, in arrival order, within this process. It only
 * spares commits to one branch from losing compare-and-swap races against each other on the same
 * replica; correctness across replicas still rests on the ref update's compare-and-swap.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** `task` learns whether it had to wait for another task with the same key. */
  async run<T>(key: string, task: (hasWaited: boolean) => Promise<T>): Promise<T> {
    const predecessor = this.tails.get(key);
    const previous = predecessor ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    try {
      await previous;
      return await task(predecessor !== undefined);
    } finally {
      release();
      if (this.tails.get(key) === tail) {
        this.tails.delete(key);
      }
    }
  }

  /** Keys with a task running or waiting (for tests and diagnostics). */
  get size(): number {
    return this.tails.size;
  }
}
