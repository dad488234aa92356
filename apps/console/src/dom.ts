/** Building DOM by hand, small enough to read: no framework, nothing that parses HTML strings. */

export type Child = Node | string | number | null | undefined | false;
type Attr = string | number | boolean | null | undefined;
export type Attrs = Record<string, Attr | ((event: Event) => void)>;

function apply(el: Element, attrs: Attrs, children: Child[]): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : String(child));
  }
}

/** An HTML element: `h('button', {type: 'button', onclick}, 'Save')`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, attrs, children);
  return el;
}

/** An SVG element, for the charts. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  apply(el, attrs, children);
  return el;
}

/** A table with a header row; `caption` names it for screen readers. */
export function table(
  caption: string,
  headers: string[],
  rows: Child[][],
  attrs: Attrs = {},
): HTMLTableElement {
  return h(
    'table',
    attrs,
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...headers.map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell))))),
  );
}

/** A labelled form field: the label is tied to the input by id. */
export function field(
  label: string,
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: string,
) {
  const hintId = hint === undefined ? undefined : `${input.id}-hint`;
  if (hintId !== undefined) input.setAttribute('aria-describedby', hintId);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: input.id }, label),
    input,
    hint === undefined ? null : h('small', { id: hintId, class: 'hint' }, hint),
  );
}

/**
 * Calls `task` now and again `everyMs` after each run ends (never two at once); the returned
 * function stops it.
 */
export function poll(task: () => Promise<void>, everyMs: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const run = async (): Promise<void> => {
    await task();
    if (!stopped) timer = setTimeout(run, everyMs);
  };
  void run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
