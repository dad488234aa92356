import { Subjects } from '@switchyard/contracts';
import type { AdminRoute } from './admin-route.js';

/**
 * `GET /admin/route-health`: per deployment of every alias, whether it is cooling down (and until
 * when), its latency moving averages and its requests in flight, answered by the router.
 */
export const routeHealthRoutes: readonly AdminRoute[] = [
  {
    method: 'GET',
    url: '/admin/route-health',
    subject: Subjects.admin.routesHealth,
    service: 'router',
    input: () => ({}),
  },
];
