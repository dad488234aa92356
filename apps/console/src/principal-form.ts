import { api, ApiError, messageOf } from './api.js';
import { field, h } from './dom.js';
import type { Principal } from './types.js';

export type Kind = 'key' | 'team';

/** What a form field shows for a principal's value, and back. */
const csv = (list: string[] | undefined): string => (list ?? []).join(', ');
const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
const numberOrUndefined = (text: string): number | undefined =>
  text.trim() === '' ? undefined : Number(text);

export interface PrincipalForm {
  element: HTMLElement;
  /** Fills the form to change an existing key or team. */
  edit(principal: Principal): void;
}

/**
 * Create or edit a key or a team. Creating sends only the fields filled in; editing sends every
 * field, an empty one as `null`, which the API reads as "remove it". The API validates; its
 * refusal is shown under the form, on the field it names.
 */
export function principalForm(kind: Kind, onSaved: (saved: Principal) => void): PrincipalForm {
  const input = (name: string, attrs: Record<string, string> = {}) =>
    h('input', { id: `${kind}-${name}`, type: 'text', ...attrs });
  const number = (name: string, step = '1') =>
    input(name, { type: 'number', min: '0', step, inputmode: 'decimal' });
  const id = input('id', { autocomplete: 'off', pattern: '[a-z0-9][a-z0-9_.\\-]*' });
  const team = input('team', { autocomplete: 'off' });
  const models = input('models', { autocomplete: 'off' });
  const rpm = number('rpm');
  const tpm = number('tpm');
  const concurrency = number('max-concurrency');
  const budget = number('budget', '0.01');
  const period = h(
    'select',
    { id: `${kind}-period` },
    ...['monthly', 'daily', 'total'].map((p) => h('option', { value: p }, p)),
  );
  const expires = input('expires-at', { autocomplete: 'off' });
  const error = h('p', { id: `${kind}-form-error`, class: 'error', role: 'alert' });
  const heading = h('legend', {});
  const submit = h('button', { type: 'submit' });
  const cancel = h('button', { type: 'button', class: 'secondary', onclick: () => reset() });
  cancel.textContent = 'Cancel edit';
  let editing: string | undefined;

  const reset = (): void => {
    editing = undefined;
    form.reset();
    id.disabled = false;
    heading.textContent = `Create a ${kind}`;
    submit.textContent = `Create ${kind}`;
    cancel.hidden = true;
    error.textContent = '';
  };

  const bodyOf = (): Record<string, unknown> => {
    // On edit an empty field is sent as null: the API removes it.
    const none = editing === undefined ? undefined : null;
    const limits = {
      rpm: numberOrUndefined(rpm.value),
      tpm: numberOrUndefined(tpm.value),
      max_concurrency: numberOrUndefined(concurrency.value),
    };
    const hasLimits = Object.values(limits).some((v) => v !== undefined);
    const maxUsd = numberOrUndefined(budget.value);
    const body: Record<string, unknown> = {
      models: models.value.trim() === '' ? none : list(models.value),
      limits: hasLimits
        ? Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined))
        : none,
      budget: maxUsd === undefined ? none : { max_usd: maxUsd, period: period.value },
    };
    if (kind === 'key') {
      body['team'] = team.value.trim() === '' ? none : team.value.trim();
      body['expires_at'] = expires.value.trim() === '' ? none : expires.value.trim();
    }
    if (editing === undefined && id.value.trim() !== '') body['id'] = id.value.trim();
    return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
  };

  const form = h(
    'form',
    {
      class: 'principal-form',
      'aria-describedby': error.id,
      onsubmit: async (event) => {
        event.preventDefault();
        error.textContent = '';
        const path = `/admin/${kind}s`;
        try {
          const saved =
            editing === undefined
              ? await api<Principal>('POST', path, bodyOf())
              : await api<Principal>('PATCH', `${path}/${encodeURIComponent(editing)}`, bodyOf());
          reset();
          onSaved(saved);
        } catch (err) {
          error.textContent =
            err instanceof ApiError && err.param ? `${err.message} (${err.param})` : messageOf(err);
        }
      },
    },
    h(
      'fieldset',
      {},
      heading,
      h(
        'div',
        { class: 'grid' },
        field('ID', id, 'Optional when creating: a-z, 0-9, ".", "-", "_".'),
        kind === 'key' ? field('Team', team) : null,
        field('Allowed models', models, 'Globs, comma-separated (gpt-4o*, openai/*). Empty: every model.'),
        field('Requests per minute', rpm),
        field('Tokens per minute', tpm),
        field('Max concurrency', concurrency),
        field('Budget (USD)', budget),
        field('Budget period', period),
        kind === 'key'
          ? field('Expires at', expires, 'ISO 8601, e.g. 2026-12-31T23:59:59Z. Empty: never.')
          : null,
      ),
      error,
      h('div', { class: 'actions' }, submit, cancel),
    ),
  );
  reset();

  return {
    element: form,
    edit(p) {
      reset();
      editing = p.id;
      id.value = p.id;
      id.disabled = true;
      team.value = p.team ?? '';
      models.value = csv(p.models);
      rpm.value = String(p.limits?.rpm ?? '');
      tpm.value = String(p.limits?.tpm ?? '');
      concurrency.value = String(p.limits?.max_concurrency ?? '');
      budget.value = String(p.budget?.max_usd ?? '');
      period.value = p.budget?.period ?? 'monthly';
      expires.value = p.expires_at ?? '';
      heading.textContent = `Edit ${kind} ${p.id}`;
      submit.textContent = 'Save changes';
      cancel.hidden = false;
      models.focus();
    },
  };
}
