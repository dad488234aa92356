import { serveAdmin, type AdminAnswer } from '@switchyard/bus';
import { ModelConfig, RouteRule, type RouteIssue } from '@switchyard/config';
import { GatewayError, QueueGroups, Subjects } from '@switchyard/contracts';
import type { ServiceDeps } from '@switchyard/runtime';
import type { Subscription } from '@nats-io/transport-node';
import { z } from 'zod';
import type { RouteChange, RouteSet } from '../domain/route-set.js';
import type { RouteStore } from '../route-store.js';

export interface RouteAdminDeps extends Pick<ServiceDeps, 'nc' | 'log'> {
  routes: RouteSet;
  store: RouteStore;
}

const Alias = z.object({ alias: z.string().min(1) });

/**
 * The admin API of routes (`/admin/routes`), answered by any router replica: a change is checked
 * against the routes in effect exactly as the YAML is at load, stored in KV, and answered once this
 * replica applies it; the other replicas follow the bucket.
 */
export function serveRouteAdmin({ nc, log, routes, store }: RouteAdminDeps): Subscription[] {
  const view = (): AdminAnswer => {
    const { models, rules } = routes.current();
    const changed = routes.changed();
    return { body: { models, rules, changed: { models: changed.aliases, rules: changed.rules } } };
  };
  const change = async (c: RouteChange): Promise<AdminAnswer> => {
    const issue = routes.check(c)[0];
    if (issue !== undefined) throw refusal(issue);
    await store.save(c);
    return view();
  };
  const endpoint = { queue: QueueGroups.router };

  return [
    serveAdmin(nc, log, {
      ...endpoint,
      subject: Subjects.admin.routesList,
      schema: z.object({}),
      handle: view,
    }),
    serveAdmin(nc, log, {
      ...endpoint,
      subject: Subjects.admin.routesPut,
      schema: Alias.extend({ model: ModelConfig }),
      handle: ({ alias, model }) => change({ kind: 'model', alias, model }),
    }),
    serveAdmin(nc, log, {
      ...endpoint,
      subject: Subjects.admin.routesDelete,
      schema: Alias,
      handle: ({ alias }) => {
        if (!routes.changed().aliases.includes(alias)) {
          throw new GatewayError('not_found', `The route of '${alias}' was not changed at run time.`, {
            param: 'alias',
          });
        }
        return change({ kind: 'model', alias, model: undefined });
      },
    }),
    serveAdmin(nc, log, {
      ...endpoint,
      subject: Subjects.admin.rulesPut,
      schema: z.object({ rules: z.array(RouteRule) }),
      handle: ({ rules }) => change({ kind: 'rules', rules }),
    }),
    serveAdmin(nc, log, {
      ...endpoint,
      subject: Subjects.admin.rulesDelete,
      schema: z.object({}),
      handle: () => change({ kind: 'rules', rules: undefined }),
    }),
  ];
}

/** A 400 naming where the change went wrong, as the YAML's check would. */
function refusal(issue: RouteIssue): GatewayError {
  const where = issue.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
    .join('')
    .slice(1);
  return new GatewayError('invalid_request', `Invalid ${where}: ${issue.message}`, { param: where });
}
