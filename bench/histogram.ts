import * as hdr from 'hdr-histogram-js';
import type { Percentiles } from './types.js';

/** Latencies recorded in µs (HDR, 3 significant digits), read back as milliseconds. */
export class LatencyHistogram {
  private readonly h = hdr.build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });

  recordMs(ms: number): void {
    this.h.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.h.totalCount;
  }

  percentilesMs(): Percentiles {
    if (this.h.totalCount === 0) return { p50: NaN, p90: NaN, p99: NaN, max: NaN };
    const at = (p: number) => this.h.getValueAtPercentile(p) / 1000;
    return { p50: at(50), p90: at(90), p99: at(99), max: this.h.maxValue / 1000 };
  }
}
