import { Subjects } from '@switchyard/contracts';
import type { FastifyRequest } from 'fastify';
import type { AdminRoute } from './admin-route.js';

const aliasOf = (request: FastifyRequest): string => (request.params as { alias: string }).alias;

/**
 * `/admin/routes` and `/admin/route-rules`: the routes in effect, and changes to them without a
 * restart, answered by the router (which checks a change as the YAML is checked, and stores it in
 * KV for every replica). An alias with a `/` (`openai/*`) is sent URL-encoded: `openai%2F*`.
 */
export const routeRoutes: readonly AdminRoute[] = [
  {
    method: 'GET',
    url: '/admin/routes',
    subject: Subjects.admin.routesList,
    service: 'router',
    input: () => ({}),
  },
  {
    method: 'PUT',
    url: '/admin/route-rules',
    subject: Subjects.admin.rulesPut,
    service: 'router',
    input: (request) => request.body,
  },
  {
    method: 'DELETE',
    url: '/admin/route-rules',
    subject: Subjects.admin.rulesDelete,
    service: 'router',
    input: () => ({}),
  },
  {
    method: 'PUT',
    url: '/admin/routes/:alias',
    subject: Subjects.admin.routesPut,
    service: 'router',
    input: (request) => ({ alias: aliasOf(request), model: request.body }),
  },
  {
    method: 'DELETE',
    url: '/admin/routes/:alias',
    subject: Subjects.admin.routesDelete,
    service: 'router',
    input: (request) => ({ alias: aliasOf(request) }),
  },
];
