import { startBatch } from '@switchyard/batch';
import { startCache } from '@switchyard/cache';
import { startIngress } from '@switchyard/ingress';
import { startPolicy } from '@switchyard/policy';
import { startRouter } from '@switchyard/router';
import type { StartService } from '@switchyard/runtime';
import { startTelemetry } from '@switchyard/telemetry';
import { startWorker } from '@switchyard/worker';

/**
 * Every service by name, in start order: consumers before the ingress, so the gateway takes
 * requests only once the whole pipeline is listening.
 */
export const SERVICES = {
  telemetry: startTelemetry,
  worker: startWorker,
  router: startRouter,
  cache: startCache,
  policy: startPolicy,
  batch: startBatch,
  ingress: startIngress,
} as const satisfies Record<string, StartService>;

export type ServiceName = keyof typeof SERVICES;

export const isServiceName = (value: string): value is ServiceName => Object.hasOwn(SERVICES, value);
