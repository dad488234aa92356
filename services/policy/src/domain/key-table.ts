import { createHash } from 'node:crypto';
import type { BudgetConfig, LimitsConfig } from '@switchyard/config';
import { compileGlob, compileGlobs, type GlobMatcher } from '@switchyard/contracts';

/** Who a request acts as, once its key is known. Never holds the secret. */
export interface Identity {
  keyId: string;
  team: string | undefined;
  /** The model globs the key may use joined by `,`, as the `sy-allowed-models` header carries them. */
  allowedModels: string;
  allows: GlobMatcher;
  /** The key's own limits and budget; undefined: none. */
  limits?: LimitsConfig | undefined;
  budget?: BudgetConfig | undefined;
  /** The team's, shared by every key of the team. */
  teamLimits?: LimitsConfig | undefined;
  teamBudget?: BudgetConfig | undefined;
}

/** A key as authentication needs it: identified by the hash of its secret, never the secret. */
export interface KeyEntry {
  id: string;
  /** SHA-256 hex of the secret. */
  key_hash: string;
  team?: string | undefined;
  models: readonly string[];
  limits?: LimitsConfig | undefined;
  budget?: BudgetConfig | undefined;
  /** ISO 8601; from then on the key is refused. */
  expires_at?: string | undefined;
}

export interface TeamEntry {
  id: string;
  /** Confines every key of the team: a model must match both the key's globs and these. */
  models?: readonly string[] | undefined;
  limits?: LimitsConfig | undefined;
  budget?: BudgetConfig | undefined;
}

/** The id the master key goes by in headers, logs and metrics. */
export const MASTER_KEY_ID = 'master';

/** SHA-256 hex of a secret: the form keys are compared in, and `key_hash` is written in. */
export const hashKey = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/**
 * The globs of both lists that the other list covers whole: a subset of the models both allow,
 * written as globs. Only the model list (`sy-allowed-models`) uses it; decisions use both matchers.
 * A glob covers another when it matches it as a literal name: `gpt-*` covers `gpt-4o*`.
 */
export function narrowGlobs(key: readonly string[], team: readonly string[]): string[] {
  const within = (globs: readonly string[], outer: readonly string[]) =>
    globs.filter((g) => outer.some((o) => compileGlob(o)(g)));
  return [...new Set([...within(key, team), ...within(team, key)])];
}

export function toIdentity(key: KeyEntry, team: TeamEntry | undefined): Identity {
  const keyAllows = compileGlobs(key.models);
  const teamModels = team?.models;
  let allowedModels = key.models;
  let allows = keyAllows;
  if (teamModels !== undefined) {
    const teamAllows = compileGlobs(teamModels);
    allowedModels = narrowGlobs(key.models, teamModels);
    allows = (model) => keyAllows(model) && teamAllows(model);
  }
  return {
    keyId: key.id,
    team: key.team,
    allowedModels: allowedModels.join(','),
    allows,
    limits: key.limits,
    budget: key.budget,
    teamLimits: team?.limits,
    teamBudget: team?.budget,
  };
}

export interface Found {
  identity: Identity;
  /** Epoch ms from which the key is refused; undefined: never. */
  expiresAt: number | undefined;
}

/** Hash → identity, kept current as keys and teams change, so authenticating is one map lookup. */
export interface KeyTable {
  find(hash: string): Found | undefined;
  /** Adds a key or replaces the one with its id (its secret may have changed). */
  putKey(key: KeyEntry): void;
  removeKey(id: string): void;
  /** Adds or replaces a team; its keys' identities follow. */
  putTeam(team: TeamEntry): void;
  removeTeam(id: string): void;
}

/**
 * Identities are built when a key or team changes, not per request. The master key is looked up
 * first, so it wins should a key share its secret.
 */
export function createKeyTable(masterKey?: string): KeyTable {
  const master: Found | undefined =
    masterKey === undefined
      ? undefined
      : {
          identity: toIdentity({ id: MASTER_KEY_ID, key_hash: '', models: ['*'] }, undefined),
          expiresAt: undefined,
        };
  const masterHash = masterKey === undefined ? undefined : hashKey(masterKey);
  const keys = new Map<string, KeyEntry>();
  const teams = new Map<string, TeamEntry>();
  const byHash = new Map<string, Found>();

  const index = (key: KeyEntry): void => {
    const team = key.team === undefined ? undefined : teams.get(key.team);
    const expiresAt = key.expires_at === undefined ? undefined : Date.parse(key.expires_at);
    byHash.set(key.key_hash, { identity: toIdentity(key, team), expiresAt });
  };
  const reindexTeam = (teamId: string): void => {
    for (const key of keys.values()) if (key.team === teamId) index(key);
  };

  return {
    find: (hash) => (hash === masterHash ? master : byHash.get(hash)),
    putKey(key) {
      const previous = keys.get(key.id);
      if (previous !== undefined) byHash.delete(previous.key_hash);
      keys.set(key.id, key);
      index(key);
    },
    removeKey(id) {
      const previous = keys.get(id);
      if (previous === undefined) return;
      keys.delete(id);
      byHash.delete(previous.key_hash);
    },
    putTeam(team) {
      teams.set(team.id, team);
      reindexTeam(team.id);
    },
    removeTeam(id) {
      if (teams.delete(id)) reindexTeam(id);
    },
  };
}
