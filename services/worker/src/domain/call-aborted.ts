/** Why an upstream call was aborted: each ends the reply differently. */
export type AbortCause = 'cancelled' | 'deadline' | 'shutdown' | 'stream-idle';

/** The abort reason the worker gives its own signals, so a failure can be traced to its cause. */
export class CallAborted extends Error {
  override readonly name = 'CallAborted';
  readonly why: AbortCause;

  constructor(why: AbortCause) {
    super(`The upstream call was aborted (${why}).`);
    this.why = why;
  }
}

/** Why `signal` was aborted by the worker, or undefined when it was not. */
export const abortCauseOf = (signal: AbortSignal): AbortCause | undefined =>
  signal.aborted && signal.reason instanceof CallAborted ? signal.reason.why : undefined;
