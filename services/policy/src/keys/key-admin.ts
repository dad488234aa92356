import { randomBytes } from 'node:crypto';
import { serveAdmin, type AdminAnswer, type BusLogger, type NatsConnection } from '@switchyard/bus';
import { GatewayError, QueueGroups, Subjects } from '@switchyard/contracts';
import type { Subscription } from '@nats-io/transport-node';
import type { z } from 'zod';
import { MASTER_KEY_ID, hashKey } from '../domain/key-table.js';
import { kvKeyOf, type KeyDirectory, type Stored } from './key-directory.js';
import {
  ById,
  CreateKey,
  CreateTeam,
  ListKeys,
  ListTeams,
  UpdateKey,
  UpdateTeam,
  applyPatch,
  toKeyView,
  toTeamView,
  type KeyRecord,
  type TeamRecord,
} from './records.js';

/** A new key's secret: shown once, in the creation's answer, and stored only as its hash. */
const newSecret = (): string => `sk-sy-${randomBytes(32).toString('base64url')}`;
const newKeyId = (): string => `key-${randomBytes(6).toString('hex')}`;

const notFound = (kind: string, id: string): GatewayError =>
  new GatewayError('not_found', `No ${kind} with id '${id}'.`, { param: 'id' });

const readOnly = (kind: string, id: string): GatewayError =>
  new GatewayError(
    'conflict',
    `The ${kind} '${id}' is defined in the config file and cannot be changed through the API; edit the config instead.`,
    { param: 'id' },
  );

/** JetStream refuses a write made against a revision that is no longer the latest. */
const isStaleWrite = (err: unknown): boolean => /wrong last sequence/i.test((err as Error).message ?? '');

const changedMeanwhile = (kind: string, id: string): GatewayError =>
  new GatewayError('conflict', `The ${kind} '${id}' was changed by another call meanwhile; try again.`, {
    param: 'id',
  });

/**
 * The admin API for keys and teams (`Subjects.admin.keys.*`, `.teams.*`), answered by any policy
 * replica: writes go to the bucket, which every replica watches, and are applied here at once.
 */
export function serveKeyAdmin(nc: NatsConnection, log: BusLogger, directory: KeyDirectory): Subscription[] {
  const { bucket } = directory;
  const now = (): string => new Date().toISOString();

  const existingKey = (id: string): Stored<KeyRecord> => {
    const stored = directory.key(id);
    if (stored === undefined) throw notFound('key', id);
    return stored;
  };
  const existingTeam = (id: string): Stored<TeamRecord> => {
    const stored = directory.team(id);
    if (stored === undefined) throw notFound('team', id);
    return stored;
  };
  const checkTeam = (team: string | null | undefined): void => {
    if (team != null && directory.team(team) === undefined)
      throw new GatewayError('invalid_request', `No team with id '${team}'; create it first.`, {
        param: 'team',
      });
  };

  /** Writes a new entry; an id taken meanwhile (on another replica) is a conflict. */
  const create = async (kind: 'key' | 'team', record: KeyRecord | TeamRecord): Promise<void> => {
    let revision: number;
    try {
      revision = await bucket.create(kvKeyOf(kind, record.id), JSON.stringify(record));
    } catch (err) {
      if (isStaleWrite(err))
        throw new GatewayError('conflict', `A ${kind} with id '${record.id}' already exists.`, {
          param: 'id',
        });
      throw err;
    }
    directory.applied(kind, record.id, revision, record);
  };
  const update = async <R extends KeyRecord | TeamRecord>(
    kind: 'key' | 'team',
    stored: Stored<R>,
    next: R,
  ): Promise<void> => {
    let revision: number;
    try {
      revision = await bucket.update(kvKeyOf(kind, next.id), JSON.stringify(next), stored.revision);
    } catch (err) {
      if (isStaleWrite(err)) throw changedMeanwhile(kind, next.id);
      throw err;
    }
    directory.applied(kind, next.id, revision, next);
  };
  /** Purged, not just deleted: no revision of the entry (nor its hash) stays in the bucket. */
  const remove = async (kind: 'key' | 'team', stored: Stored<KeyRecord | TeamRecord>): Promise<void> => {
    await bucket.purge(kvKeyOf(kind, stored.record.id));
    directory.applied(kind, stored.record.id, stored.revision + 1, undefined);
  };

  const endpoints: { subject: string; schema: z.ZodType; handle(input: never): Promise<AdminAnswer> }[] = [
    {
      subject: Subjects.admin.keys.create,
      schema: CreateKey,
      async handle(input: z.infer<typeof CreateKey>) {
        const id = input.id ?? newKeyId();
        if (id === MASTER_KEY_ID)
          throw new GatewayError('conflict', `The key id '${id}' names the master key; choose another.`, {
            param: 'id',
          });
        const taken = directory.key(id);
        if (taken !== undefined)
          throw taken.source === 'config'
            ? readOnly('key', id)
            : new GatewayError('conflict', `A key with id '${id}' already exists.`, { param: 'id' });
        checkTeam(input.team);
        const secret = newSecret();
        const record: KeyRecord = { ...input, id, key_hash: hashKey(secret), created_at: now() };
        await create('key', record);
        return { status: 201, body: { ...toKeyView(record, 'api'), key: secret } };
      },
    },
    {
      subject: Subjects.admin.keys.list,
      schema: ListKeys,
      async handle({ team }: z.infer<typeof ListKeys>) {
        const data = directory
          .keys()
          .filter((k) => team === undefined || k.record.team === team)
          .map((k) => toKeyView(k.record, k.source));
        return { body: { object: 'list', data } };
      },
    },
    {
      subject: Subjects.admin.keys.get,
      schema: ById,
      async handle({ id }: z.infer<typeof ById>) {
        const stored = existingKey(id);
        return { body: toKeyView(stored.record, stored.source) };
      },
    },
    {
      subject: Subjects.admin.keys.update,
      schema: UpdateKey,
      async handle(input: UpdateKey) {
        const stored = existingKey(input.id);
        if (stored.source === 'config') throw readOnly('key', input.id);
        checkTeam(input.team);
        const next = { ...applyPatch(stored.record, input), updated_at: now() };
        await update('key', stored, next);
        return { body: toKeyView(next, 'api') };
      },
    },
    {
      subject: Subjects.admin.keys.revoke,
      schema: ById,
      async handle({ id }: z.infer<typeof ById>) {
        const stored = existingKey(id);
        if (stored.source === 'config') throw readOnly('key', id);
        await remove('key', stored);
        return { body: { object: 'key', id, deleted: true } };
      },
    },
    {
      subject: Subjects.admin.teams.create,
      schema: CreateTeam,
      async handle(input: z.infer<typeof CreateTeam>) {
        const taken = directory.team(input.id);
        if (taken !== undefined)
          throw taken.source === 'config'
            ? readOnly('team', input.id)
            : new GatewayError('conflict', `A team with id '${input.id}' already exists.`, { param: 'id' });
        const record: TeamRecord = { ...input, created_at: now() };
        await create('team', record);
        return { status: 201, body: toTeamView(record, 'api') };
      },
    },
    {
      subject: Subjects.admin.teams.list,
      schema: ListTeams,
      async handle() {
        return {
          body: { object: 'list', data: directory.teams().map((t) => toTeamView(t.record, t.source)) },
        };
      },
    },
    {
      subject: Subjects.admin.teams.get,
      schema: ById,
      async handle({ id }: z.infer<typeof ById>) {
        const stored = existingTeam(id);
        return { body: toTeamView(stored.record, stored.source) };
      },
    },
    {
      subject: Subjects.admin.teams.update,
      schema: UpdateTeam,
      async handle(input: UpdateTeam) {
        const stored = existingTeam(input.id);
        if (stored.source === 'config') throw readOnly('team', input.id);
        const next = { ...applyPatch(stored.record, input), updated_at: now() };
        await update('team', stored, next);
        return { body: toTeamView(next, 'api') };
      },
    },
    {
      subject: Subjects.admin.teams.delete,
      schema: ById,
      async handle({ id }: z.infer<typeof ById>) {
        const stored = existingTeam(id);
        if (stored.source === 'config') throw readOnly('team', id);
        const members = directory.keys().filter((k) => k.record.team === id).length;
        if (members > 0)
          throw new GatewayError(
            'conflict',
            `The team '${id}' still has ${members} key(s); revoke them or move them to another team first.`,
            { param: 'id' },
          );
        await remove('team', stored);
        return { body: { object: 'team', id, deleted: true } };
      },
    },
  ];

  return endpoints.map((endpoint) => serveAdmin(nc, log, { ...endpoint, queue: QueueGroups.policy }));
}
