import type { FastifyRequest } from 'fastify';
import { Subjects } from '@switchyard/contracts';
import type { AdminRoute } from './admin-route.js';

const idOf = (request: FastifyRequest): string => (request.params as { id: string }).id;

/** The JSON body as sent (policy validates it), with the path's id over any id in it. */
const bodyWithId = (request: FastifyRequest): unknown => {
  const body = request.body;
  const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {};
  return { ...fields, id: idOf(request) };
};

/** The body as sent: a non-object body reaches policy as it is and is refused there with a 400. */
const bodyOf = (request: FastifyRequest): unknown => request.body ?? {};

/**
 * `/admin/keys` and `/admin/teams`: create, list, get, update, revoke/delete, answered by policy
 * (which holds keys and teams). A key's secret is in the creation's answer only.
 */
export const keyRoutes: readonly AdminRoute[] = [
  {
    method: 'POST',
    url: '/admin/keys',
    subject: Subjects.admin.keys.create,
    service: 'policy',
    input: bodyOf,
  },
  {
    method: 'GET',
    url: '/admin/keys',
    subject: Subjects.admin.keys.list,
    service: 'policy',
    input: (request) => {
      const team = (request.query as Record<string, string | undefined>)['team'];
      return team ? { team } : {};
    },
  },
  {
    method: 'GET',
    url: '/admin/keys/:id',
    subject: Subjects.admin.keys.get,
    service: 'policy',
    input: (request) => ({ id: idOf(request) }),
  },
  {
    method: 'PATCH',
    url: '/admin/keys/:id',
    subject: Subjects.admin.keys.update,
    service: 'policy',
    input: bodyWithId,
  },
  {
    method: 'DELETE',
    url: '/admin/keys/:id',
    subject: Subjects.admin.keys.revoke,
    service: 'policy',
    input: (request) => ({ id: idOf(request) }),
  },
  {
    method: 'POST',
    url: '/admin/teams',
    subject: Subjects.admin.teams.create,
    service: 'policy',
    input: bodyOf,
  },
  {
    method: 'GET',
    url: '/admin/teams',
    subject: Subjects.admin.teams.list,
    service: 'policy',
    input: () => ({}),
  },
  {
    method: 'GET',
    url: '/admin/teams/:id',
    subject: Subjects.admin.teams.get,
    service: 'policy',
    input: (request) => ({ id: idOf(request) }),
  },
  {
    method: 'PATCH',
    url: '/admin/teams/:id',
    subject: Subjects.admin.teams.update,
    service: 'policy',
    input: bodyWithId,
  },
  {
    method: 'DELETE',
    url: '/admin/teams/:id',
    subject: Subjects.admin.teams.delete,
    service: 'policy',
    input: (request) => ({ id: idOf(request) }),
  },
];
