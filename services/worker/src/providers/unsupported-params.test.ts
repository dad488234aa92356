import { describe, expect, it } from 'vitest';
import { toOpenAIErrorBody } from '@switchyard/contracts';
import { checkUnsupportedParams, refuseUnlessDropped, type UnsupportedParam } from './unsupported-params.js';

const table: UnsupportedParam[] = [
  { param: 'n', refuses: (v) => v !== 1, why: 'one choice per request' },
  { param: 'logit_bias', why: 'no token biasing' },
];

describe('checkUnsupportedParams', () => {
  it('refuses the first parameter set to a value the provider cannot honour, naming it', () => {
    let caught: unknown;
    try {
      checkUnsupportedParams({ providerId: 'acme', dropParams: false }, { n: 2, logit_bias: {} }, table);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'invalid_request', param: 'n', provider: 'acme' });
    expect(toOpenAIErrorBody(caught as never).error.message).toBe(
      "Provider acme cannot honour 'n': one choice per request. Remove it from the request " +
        '(or an operator may set drop_params on the provider to drop it).',
    );
  });

  it('lets values the provider honours, nulls and absent parameters through', () => {
    const body = { n: 1, logit_bias: null };
    expect(checkUnsupportedParams({ providerId: 'acme', dropParams: false }, body, table)).toEqual(new Set());
  });

  it('with drop_params, names the parameters to leave out instead of refusing', () => {
    const dropped = checkUnsupportedParams(
      { providerId: 'acme', dropParams: true },
      { n: 3, logit_bias: { 1: 2 } },
      table,
    );
    expect([...dropped]).toEqual(['n', 'logit_bias']);
    expect(() => refuseUnlessDropped({ providerId: 'acme', dropParams: true }, 'x', 'why')).not.toThrow();
  });
});
