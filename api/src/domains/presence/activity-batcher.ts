/**
 * Activity (a request, a message, a like) collected per event-loop turn, so any number of them costs one
 * store call; the caller never awaits it.
 */
export class ActivityBatcher {
  private readonly pending = new Set<string>();
  private scheduled = false;

  /** `flush` receives the users active during one turn. */
  constructor(private readonly flush: (userIds: string[]) => void) {}

  add(userId: string): void {
    this.pending.add(userId);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  /** Hands over what is pending now (a graceful stop does not wait for the next turn). */
  run(): void {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const userIds = [...this.pending];
    this.pending.clear();
    this.flush(userIds);
  }

  /** A crashed process loses what was pending. */
  drop(): void {
    this.pending.clear();
  }

  /** A turn is scheduled and has not run yet. */
  get waiting(): boolean {
    return this.scheduled;
  }
}
