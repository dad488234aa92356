import { serveAdmin } from '@switchyard/bus';
import { deploymentIdOf, type ModelConfig } from '@switchyard/config';
import { QueueGroups, Subjects } from '@switchyard/contracts';
import type { ServiceDeps } from '@switchyard/runtime';
import type { Subscription } from '@nats-io/transport-node';
import { z } from 'zod';
import type { DeploymentStats } from '../domain/deployment-stats.js';
import type { Availability, Health } from '../domain/health.js';

/** One deployment of one alias as the router sees it now. */
export interface DeploymentHealth {
  alias: string;
  deployment: string;
  provider: string;
  availability: Availability;
  /** Epoch ms when its cooldown ends; null when it is not cooling down. */
  cooling_until: number | null;
  /** Moving averages (EWMA) from completion events; null until measured. */
  latency_ms: number | null;
  ttft_ms: number | null;
  in_flight: number;
}

export interface RouteHealthDeps {
  models: Readonly<Record<string, ModelConfig>>;
  health: Health;
  stats: DeploymentStats;
  now: number;
}

const rounded = (ms: number | undefined): number | null => (ms === undefined ? null : Math.round(ms));

/**
 * Every configured deployment's health, by alias. A deployment of a `prefix/*` alias without a
 * fixed model is named `provider/*`: its stats are kept per upstream model, so it shows none.
 */
export function describeRouteHealth({ models, health, stats, now }: RouteHealthDeps): DeploymentHealth[] {
  return Object.entries(models).flatMap(([alias, model]) =>
    model.deployments.map((d) => {
      const deployment = deploymentIdOf(d, d.model ?? '*');
      const latency = stats.latency(deployment);
      return {
        alias,
        deployment,
        provider: d.provider,
        availability: health.availability(deployment, now),
        cooling_until: health.coolingUntil(deployment, now) ?? null,
        latency_ms: rounded(latency?.durationMs),
        ttft_ms: rounded(latency?.ttftMs),
        in_flight: stats.inFlight(deployment),
      };
    }),
  );
}

/**
 * `llm.v1.admin.routes.health`, read-only, answered by any router replica: every replica learns
 * health and load from the same events, so any one's view is the gateway's.
 */
export function serveRouteHealth(
  deps: Pick<ServiceDeps, 'nc' | 'log'> &
    Omit<RouteHealthDeps, 'models' | 'now'> & {
      models: () => Readonly<Record<string, ModelConfig>>;
    },
): Subscription {
  return serveAdmin(deps.nc, deps.log, {
    subject: Subjects.admin.routesHealth,
    queue: QueueGroups.router,
    schema: z.object({}),
    handle: () => ({
      body: {
        object: 'list',
        data: describeRouteHealth({ ...deps, models: deps.models(), now: Date.now() }),
      },
    }),
  });
}
