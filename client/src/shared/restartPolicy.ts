// When the server dies, restart it — but not forever: a server that crashes again and again (a bad
// model, a missing runtime) would otherwise loop. Like vscode-languageclient's default handler, allow
// a few restarts within a sliding window, then stop and leave the decision to the user.

export class RestartPolicy {
  private readonly times: number[] = [];

  constructor(readonly maxRestarts = 4, readonly windowMs = 3 * 60 * 1000) {}

  /** Records a crash at `now` (ms); true when the server should be restarted. */
  shouldRestart(now: number): boolean {
    while (this.times.length > 0 && now - (this.times[0] as number) > this.windowMs) this.times.shift();
    if (this.times.length >= this.maxRestarts) return false;
    this.times.push(now);
    return true;
  }

  /** Forgets past crashes (the user restarted the server by hand). */
  reset(): void {
    this.times.length = 0;
  }
}
