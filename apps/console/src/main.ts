import { api, ApiError, messageOf } from './api.js';
import { mountKeys } from './keys-page.js';
import { mountLive } from './live-page.js';
import { mountOverview } from './overview-page.js';
import { mountRoutes } from './routes-page.js';
import { forgetKey, readKey, saveKey } from './session.js';

/** Each page draws itself into the page slot and returns what stops its polling. */
const PAGES: Record<string, (root: HTMLElement) => () => void> = {
  overview: mountOverview,
  keys: mountKeys,
  routes: mountRoutes,
  live: mountLive,
};

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const signIn = byId<HTMLElement>('sign-in');
const form = byId<HTMLFormElement>('sign-in-form');
const keyInput = byId<HTMLInputElement>('master-key');
const signInError = byId<HTMLElement>('sign-in-error');
const nav = byId<HTMLElement>('nav');
const signOut = byId<HTMLButtonElement>('sign-out');
const slot = byId<HTMLElement>('page');
let unmount: (() => void) | undefined;

/** The page named by the URL's fragment (`#keys`): links, back and forward work as usual. */
function show(): void {
  unmount?.();
  unmount = undefined;
  const signedIn = readKey() !== null;
  signIn.hidden = signedIn;
  nav.hidden = !signedIn;
  signOut.hidden = !signedIn;
  slot.hidden = !signedIn;
  slot.replaceChildren();
  if (!signedIn) return keyInput.focus();
  const name = location.hash.slice(1) in PAGES ? location.hash.slice(1) : 'overview';
  for (const link of nav.querySelectorAll('a')) {
    if (link.hash === `#${name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  unmount = PAGES[name]!(slot);
  // Keyboard and screen-reader users land on the new page's heading.
  slot.querySelector<HTMLElement>('h2')?.focus();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  signInError.textContent = '';
  const key = keyInput.value.trim();
  try {
    // Any admin call checks the key; a refusal (401, 403) is shown as the API words it.
    await api('GET', '/admin/routes', undefined, key);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
      signInError.textContent = err.message;
      keyInput.setAttribute('aria-invalid', 'true');
      return keyInput.focus();
    }
    // The key is good but a service is down: sign in; the pages say what fails.
    if (!(err instanceof ApiError) || err.status === 0)
      return void (signInError.textContent = messageOf(err));
  }
  keyInput.removeAttribute('aria-invalid');
  form.reset();
  saveKey(key);
  show();
});

signOut.addEventListener('click', () => {
  forgetKey();
  show();
});

window.addEventListener('hashchange', show);
show();
