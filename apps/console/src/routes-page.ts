import { api, ApiError, messageOf } from './api.js';
import { field, h, poll, table } from './dom.js';
import { clock, dash, ms } from './format.js';
import type { DeploymentHealth, List, ModelRoute, RoutesView } from './types.js';

const HEALTH_REFRESH_MS = 2_000;

const deploymentsText = (route: ModelRoute): string =>
  route.deployments
    .map((d) =>
      [
        d.id ?? `${d.provider}/${d.model ?? '*'}`,
        d.weight && `weight ${d.weight}`,
        d.priority !== undefined && `priority ${d.priority}`,
      ]
        .filter(Boolean)
        .join(' · '),
    )
    .join('; ');

const STATE_TEXT: Record<DeploymentHealth['availability'], string> = {
  healthy: 'healthy',
  cooling: 'cooling down',
  probe: 'cooldown over: next request probes it',
  probing: 'probing',
};

/**
 * What a route must look like before it is sent: the router checks the rest (providers, fallbacks,
 * rules, cycles) and refuses without applying, naming the field.
 */
function parseRoute(text: string): ModelRoute {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ApiError(0, `Not valid JSON: ${messageOf(err)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ApiError(0, 'A route is a JSON object.');
  const deployments = (value as { deployments?: unknown }).deployments;
  if (!Array.isArray(deployments) || deployments.length === 0)
    throw new ApiError(0, 'A route needs "deployments": a list of at least one {"provider", "model"}.');
  return value as ModelRoute;
}

/** Aliases and their deployments, their live health, and an editor that changes one alias's route. */
export function mountRoutes(root: HTMLElement): () => void {
  const status = h('p', { class: 'status', role: 'status' });
  const aliases = h('div', {}, h('p', {}, 'Loading…'));
  const health = h('div', {}, h('p', {}, 'Loading…'));
  const aliasInput = h('input', {
    id: 'route-alias',
    type: 'text',
    autocomplete: 'off',
    list: 'route-aliases',
    required: true,
  });
  const aliasList = h('datalist', { id: 'route-aliases' });
  const json = h('textarea', {
    id: 'route-json',
    rows: 10,
    cols: 60,
    spellcheck: 'false',
    class: 'mono',
    required: true,
  });
  const error = h('p', { id: 'route-error', class: 'error', role: 'alert' });
  const revert = h(
    'button',
    { type: 'button', class: 'secondary', onclick: () => void send('DELETE') },
    'Revert to the YAML',
  );
  let view: RoutesView | undefined;

  const edit = (alias: string): void => {
    aliasInput.value = alias;
    const route = view?.models[alias];
    json.value = route === undefined ? '' : JSON.stringify(route, null, 2);
    showError(undefined);
    json.focus();
  };
  const showError = (message: string | undefined): void => {
    error.textContent = message ?? '';
    if (message === undefined) json.removeAttribute('aria-invalid');
    else json.setAttribute('aria-invalid', 'true');
  };

  async function send(method: 'PUT' | 'DELETE'): Promise<void> {
    const alias = aliasInput.value.trim();
    showError(undefined);
    if (alias === '') return showError('Name the alias to change.');
    const path = `/admin/routes/${encodeURIComponent(alias)}`;
    try {
      view =
        method === 'PUT'
          ? await api<RoutesView>('PUT', path, parseRoute(json.value))
          : await api<RoutesView>('DELETE', path);
      status.textContent =
        method === 'PUT' ? `Applied the route of ${alias}.` : `The route of ${alias} is the YAML's again.`;
      render();
    } catch (err) {
      showError(messageOf(err));
    }
  }

  function render(): void {
    if (view === undefined) return;
    const v = view;
    const names = Object.keys(v.models).sort();
    aliasList.replaceChildren(...names.map((name) => h('option', { value: name })));
    aliases.replaceChildren(
      table(
        `Aliases (${names.length})`,
        ['Alias', 'Strategy', 'Deployments', 'Fallbacks', 'Source', ''],
        names.map((name) => {
          const route = v.models[name]!;
          return [
            h('span', { class: 'mono' }, name),
            route.strategy ?? 'priority',
            deploymentsText(route),
            dash(route.fallbacks?.join(', ')),
            v.changed.models.includes(name) ? 'changed at run time' : 'YAML',
            h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                'aria-label': `Edit route ${name}`,
                onclick: () => edit(name),
              },
              'Edit',
            ),
          ];
        }),
        { id: 'aliases-table' },
      ),
      h(
        'details',
        {},
        h(
          'summary',
          {},
          `Routing rules (${v.rules.length}${v.changed.rules ? ', changed at run time' : ''})`,
        ),
        h('pre', { class: 'mono' }, JSON.stringify(v.rules, null, 2)),
      ),
    );
  }

  root.append(
    h('h2', { tabindex: -1 }, 'Routes'),
    status,
    h(
      'section',
      { 'aria-labelledby': 'aliases-title' },
      h('h3', { id: 'aliases-title' }, 'Aliases and deployments'),
      aliases,
    ),
    h(
      'section',
      { 'aria-labelledby': 'health-title' },
      h('h3', { id: 'health-title' }, 'Live health'),
      h(
        'p',
        { class: 'hint' },
        `As the router sees each deployment now; refreshed every ${HEALTH_REFRESH_MS / 1000} s.`,
      ),
      health,
    ),
    h(
      'section',
      { 'aria-labelledby': 'editor-title' },
      h('h3', { id: 'editor-title' }, 'Edit a route'),
      h(
        'form',
        {
          class: 'route-editor',
          onsubmit: (event) => {
            event.preventDefault();
            void send('PUT');
          },
        },
        field('Alias', aliasInput, 'An existing alias to change, or a new one to add.'),
        aliasList,
        field(
          'Route (JSON)',
          json,
          'The alias\'s YAML entry as JSON: {"deployments": [{"provider": …, "model": …}], "strategy": …}. The router checks it and refuses it, naming the field, without applying.',
        ),
        error,
        h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Validate and apply'), revert),
      ),
    ),
  );
  json.setAttribute('aria-describedby', `${json.id}-hint route-error`);

  api<RoutesView>('GET', '/admin/routes')
    .then((v) => {
      view = v;
      render();
    })
    .catch((err) =>
      aliases.replaceChildren(h('p', { class: 'error' }, `Could not load the routes: ${messageOf(err)}`)),
    );

  return poll(async () => {
    try {
      const { data } = await api<List<DeploymentHealth>>('GET', '/admin/route-health');
      health.replaceChildren(
        table(
          'Deployments',
          [
            'Alias',
            'Deployment',
            'State',
            'Cooling down until',
            'Latency (EWMA)',
            'TTFT (EWMA)',
            'In flight',
          ],
          data.map((d) => [
            d.alias,
            h('span', { class: 'mono' }, d.deployment),
            h('span', { class: `state state-${d.availability}` }, STATE_TEXT[d.availability]),
            d.cooling_until === null ? '–' : clock(d.cooling_until),
            ms(d.latency_ms),
            ms(d.ttft_ms),
            String(d.in_flight),
          ]),
          { id: 'health-table' },
        ),
      );
    } catch (err) {
      health.replaceChildren(h('p', { class: 'error' }, `Could not load the health: ${messageOf(err)}`));
    }
  }, HEALTH_REFRESH_MS);
}
