import type { ServiceDeps } from '@switchyard/runtime';
import { createAuthenticate } from '../domain/authenticate.js';
import { buildKeyTable, type Identity } from '../domain/key-table.js';

/** Who a request acts as, from its `Authorization` header, answered from memory. */
export interface KeyDirectory {
  /** The key's identity, or throws `unauthenticated`. Never does I/O. */
  authenticate(authorization: string | undefined): Identity;
  stop(): Promise<void>;
}

/** The keys of the config file (and the master key). */
export async function startKeyDirectory({ config }: Pick<ServiceDeps, 'config'>): Promise<KeyDirectory> {
  const authenticate = createAuthenticate(buildKeyTable(config));
  return { authenticate, stop: async () => {} };
}
