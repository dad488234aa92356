import { Match, MsgHdrsImpl, canonicalMIMEHeaderKey, type MsgHdrs } from '@nats-io/transport-node';

/** Names already checked: a gateway uses a few dozen, over and over. */
const validNames = new Set<string>();
const LINE_BREAK = /[\r\n]/;

/** Throws, as nats.js does, on a name NATS cannot carry. */
function checkName(name: string): void {
  if (validNames.has(name)) return;
  canonicalMIMEHeaderKey(name);
  validNames.add(name);
}

/** Throws, as nats.js does, on a value that would break the header block; trims it. */
function checkValue(value: string): string {
  if (LINE_BREAK.test(value)) return MsgHdrsImpl.validHeaderValue(value);
  return value.trim();
}

/**
 * NATS headers that find a name with one map lookup. nats.js's own list and filter every name on
 * each `get`, and twice on each `set`: with the twenty-odd headers a stage message carries, that
 * was about 6% of a single-process gateway's CPU. Names are matched exactly, as they are
 * everywhere in Switchyard; the other match modes are nats.js's own. What goes on the wire
 * (`encode`) is unchanged.
 */
class BusHeaders extends MsgHdrsImpl {
  override get(k: string, match: Match = Match.Exact): string {
    const values = this.headers.get(match === Match.Exact ? k : this.nameOf(k, match));
    return values?.[0] ?? '';
  }

  override last(k: string, match: Match = Match.Exact): string {
    const values = this.headers.get(match === Match.Exact ? k : this.nameOf(k, match));
    return values?.[values.length - 1] ?? '';
  }

  override has(k: string, match: Match = Match.Exact): boolean {
    if (match !== Match.Exact) return super.has(k, match);
    return this.headers.has(k);
  }

  override values(k: string, match: Match = Match.Exact): string[] {
    if (match !== Match.Exact) return super.values(k, match);
    return [...(this.headers.get(k) ?? [])];
  }

  override set(k: string, v: string, match: Match = Match.Exact): void {
    if (match !== Match.Exact) return super.set(k, v, match);
    checkName(k);
    const value = checkValue(v);
    // Deleted first, as nats.js does: a name set again goes last on the wire.
    this.headers.delete(k);
    this.headers.set(k, [value]);
  }

  override append(k: string, v: string, match: Match = Match.Exact): void {
    if (match !== Match.Exact) return super.append(k, v, match);
    checkName(k);
    const value = checkValue(v);
    const values = this.headers.get(k);
    if (values === undefined) this.headers.set(k, [value]);
    else values.push(value);
  }

  override delete(k: string, match: Match = Match.Exact): void {
    if (match !== Match.Exact) return super.delete(k, match);
    this.headers.delete(k);
  }

  /** The name as stored that matches `k` (case-insensitively, say); `k` when none does. */
  private nameOf(k: string, match: Match): string {
    return this.findKeys(k, match)[0] ?? k;
  }
}

/** Empty headers for a message this process publishes or hands over. */
export const natsHeaders = (): MsgHdrs => new BusHeaders();

/**
 * A message's headers as `BusHeaders`, sharing their entries: a message from NATS arrives with
 * nats.js's own, which every stage then reads and changes many times.
 */
export function busHeadersOf(headers: MsgHdrs | undefined): MsgHdrs {
  if (headers === undefined) return new BusHeaders();
  if (headers instanceof BusHeaders || !(headers instanceof MsgHdrsImpl)) return headers;
  const adopted = new BusHeaders(headers.code, headers.description);
  adopted.headers = headers.headers;
  return adopted;
}
