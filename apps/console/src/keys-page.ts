import { api, messageOf, query } from './api.js';
import { h, table, type Child } from './dom.js';
import { dash, usd } from './format.js';
import { principalForm, type Kind } from './principal-form.js';
import type { CreatedKey, List, Principal, SpendReport } from './types.js';

const limitsText = (p: Principal): string => {
  const l = p.limits;
  if (l === undefined) return '–';
  const parts = [
    l.rpm && `${l.rpm} rpm`,
    l.tpm && `${l.tpm} tpm`,
    l.max_concurrency && `${l.max_concurrency} at once`,
  ];
  return parts.filter(Boolean).join(', ') || '–';
};

function spendCell(id: string, report: SpendReport | undefined): Child {
  if (report === undefined) return '–';
  if (report.budget_usd === null) return `${usd(report.spend_usd)} (${report.period}, no budget)`;
  return h(
    'span',
    { class: 'spend' },
    h('meter', {
      min: 0,
      max: report.budget_usd,
      high: report.budget_usd * 0.8,
      value: report.spend_usd,
      'aria-label': `Spend of ${id} against its budget`,
    }),
    ` ${usd(report.spend_usd)} of ${usd(report.budget_usd)} (${report.period})`,
  );
}

/**
 * Keys and teams: what exists, what each may spend and has spent this period, and the forms to
 * create, change and revoke them. A new key's secret is shown once, here, and nowhere else.
 */
export function mountKeys(root: HTMLElement): () => void {
  const secretSlot = h('div', {});
  const sections = (['key', 'team'] as const).map((kind) =>
    principalSection(kind, kind === 'key' ? showSecret : () => {}),
  );
  root.append(h('h2', { tabindex: -1 }, 'Keys and teams'), secretSlot, ...sections.map((x) => x.element));
  sections.forEach((x) => void x.load());
  return () => {};

  function showSecret(saved: Principal): void {
    if (!('key' in saved)) return;
    const created = saved as CreatedKey;
    const secret = h('input', {
      id: 'new-secret',
      type: 'text',
      readonly: true,
      value: created.key,
      class: 'mono',
      size: 56,
    });
    const copied = h('span', { role: 'status', class: 'hint' });
    const panel = h(
      'section',
      { class: 'secret', 'aria-labelledby': 'new-secret-title' },
      h('h3', { id: 'new-secret-title' }, `Key ${created.id} created`),
      h('p', {}, 'Copy its secret now: it is shown only once and the gateway keeps only its hash.'),
      h(
        'div',
        { class: 'field inline' },
        h('label', { for: 'new-secret' }, 'Secret'),
        secret,
        h(
          'button',
          {
            type: 'button',
            onclick: async () => {
              try {
                await navigator.clipboard.writeText(created.key);
                copied.textContent = 'Copied.';
              } catch {
                secret.select();
                copied.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
              }
            },
          },
          'Copy',
        ),
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => secretSlot.replaceChildren() },
          'Done',
        ),
        copied,
      ),
    );
    secretSlot.replaceChildren(panel);
    secret.focus();
    secret.select();
  }
}

function principalSection(kind: Kind, onCreated: (saved: Principal) => void) {
  const plural = `${kind}s`;
  const title = kind === 'key' ? 'Keys' : 'Teams';
  const status = h('p', { class: 'status', role: 'status' });
  const list = h('div', {}, h('p', {}, 'Loading…'));
  const form = principalForm(kind, (saved) => {
    onCreated(saved);
    status.textContent = `Saved ${kind} ${saved.id}.`;
    void load();
  });
  const element = h(
    'section',
    { 'aria-labelledby': `${plural}-title` },
    h('h3', { id: `${plural}-title` }, title),
    status,
    list,
    form.element,
  );

  async function load(): Promise<void> {
    try {
      const { data } = await api<List<Principal>>('GET', `/admin/${plural}`);
      const spends = await Promise.all(
        data.map((p) =>
          api<SpendReport>(
            'GET',
            `/admin/spend${query(kind === 'key' ? { key_id: p.id } : { team: p.id })}`,
          ).catch(() => undefined),
        ),
      );
      const headers = [
        'ID',
        ...(kind === 'key' ? ['Team'] : []),
        'Models',
        'Limits',
        'Spend',
        'Source',
        'Actions',
      ];
      const rows = data.map((p, i) => [
        h('span', { class: 'mono' }, p.id),
        ...(kind === 'key' ? [dash(p.team)] : []),
        (p.models ?? ['*']).join(', '),
        limitsText(p),
        spendCell(p.id, spends[i]),
        p.source === 'config' ? 'config file' : 'admin API',
        actions(p),
      ]);
      list.replaceChildren(
        data.length === 0
          ? h('p', { class: 'empty' }, `No ${plural} yet.`)
          : table(`${title} (${data.length})`, headers, rows, { id: `${plural}-table` }),
      );
    } catch (err) {
      status.textContent = `Could not load the ${plural}: ${messageOf(err)}`;
    }
  }

  /** Edit and revoke; revoking asks once more, in place. Config entries change in the config file only. */
  function actions(p: Principal): Child {
    if (p.source === 'config') return h('span', { class: 'hint' }, 'edit the config file');
    const verb = kind === 'key' ? 'Revoke' : 'Delete';
    const cell = h('span', { class: 'row-actions' });
    const ask = (): void => {
      const yes = h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: async () => {
            try {
              await api('DELETE', `/admin/${plural}/${encodeURIComponent(p.id)}`);
              await load();
              status.textContent = `${verb}d ${kind} ${p.id}.`;
            } catch (err) {
              status.textContent = `Could not ${verb.toLowerCase()} ${p.id}: ${messageOf(err)}`;
            }
          },
        },
        `Yes, ${verb.toLowerCase()} ${p.id}`,
      );
      cell.replaceChildren(
        `${verb} ${p.id}? `,
        yes,
        h('button', { type: 'button', class: 'secondary', onclick: idle }, 'Cancel'),
      );
      yes.focus();
    };
    const idle = (): void =>
      cell.replaceChildren(
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'aria-label': `Edit ${kind} ${p.id}`,
            onclick: () => form.edit(p),
          },
          'Edit',
        ),
        h(
          'button',
          { type: 'button', class: 'danger', 'aria-label': `${verb} ${kind} ${p.id}`, onclick: ask },
          verb,
        ),
      );
    idle();
    return cell;
  }

  return { element, load };
}
