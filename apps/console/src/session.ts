/**
 * The master key, for this tab only: `sessionStorage` ends with the tab, is never sent by the
 * browser on its own (unlike a cookie) and never appears in a URL or a log.
 */
const SLOT = 'switchyard.master-key';

export const readKey = (): string | null => sessionStorage.getItem(SLOT);
export const saveKey = (key: string): void => sessionStorage.setItem(SLOT, key);
export const forgetKey = (): void => sessionStorage.removeItem(SLOT);
