/**
 * A clock the test sets by hand, given to the app (`startTestApp({ clock: clock.now })`): the
 * services read the time from it, while timers, sockets and the database keep real time (no
 * global fake timers, which would stall socket.io's and the driver's own timeouts). It stands
 * still between moves, so what a test does at one instant is stamped with exactly that instant.
 */
export class FakeClock {
  private at: number;

  constructor(start: Date | string) {
    this.at = new Date(start).getTime();
  }

  readonly now = (): Date => new Date(this.at);

  set(at: Date | string): void {
    this.at = new Date(at).getTime();
  }

  advance(ms: number): void {
    this.at += ms;
  }
}
