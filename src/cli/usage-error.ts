/** A command line lifeline cannot run (exit code 2), with what is wrong with it. */
export class UsageError extends Error {
  /**
   * Whether the full usage should follow the message: it helps after an
   * unknown flag or a missing argument, not after a value out of range,
   * whose message already names the accepted ones.
   */
  readonly showUsage: boolean;

  constructor(message: string, { showUsage = true } = {}) {
    super(message);
    this.name = 'UsageError';
    this.showUsage = showUsage;
  }
}
