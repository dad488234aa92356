/** How numbers read in the console: always in the same units, never more digits than mean something. */

export const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Dollars: cents when large, four significant digits when small (a request costs fractions of a cent). */
export function usd(n: number): string {
  if (n === 0) return '$0';
  if (n >= 1) return `$${n.toFixed(2)}`;
  return `$${n.toPrecision(3).replace(/0+$/, '')}`;
}

export const ms = (n: number | null | undefined): string =>
  n === null || n === undefined ? '–' : `${int(n)} ms`;

export const percent = (ratio: number): string => `${(ratio * 100).toFixed(1)}%`;

/** Local wall-clock time, to the second. */
export const clock = (epochMs: number): string =>
  new Date(epochMs).toLocaleTimeString('en-GB', { hour12: false });

export const minute = (epochMs: number): string =>
  new Date(epochMs).toLocaleTimeString('en-GB', { hour12: false, hour: '2-digit', minute: '2-digit' });

export const dash = (value: string | number | undefined | null): string =>
  value === undefined || value === null || value === '' ? '–' : String(value);
