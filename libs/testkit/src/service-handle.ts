/**
 * What every `startX()` in the kit returns: where to connect, and how to give the resource back.
 * `stop()` is idempotent and waits until the resource is really gone (port free, files removed).
 */
export interface ServiceHandle {
  readonly url: string;
  stop(): Promise<void>;
}
