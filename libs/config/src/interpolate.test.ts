import { describe, expect, it } from 'vitest';
import { interpolate } from './interpolate.js';

describe('interpolate', () => {
  it('replaces ${NAME} with the variable, inside a longer string too', () => {
    expect(interpolate('${OPENAI_API_KEY}', { OPENAI_API_KEY: 'sk-1' })).toBe('sk-1');
    expect(interpolate('http://${HOST}:${PORT}/v1', { HOST: 'vllm', PORT: '8000' })).toBe(
      'http://vllm:8000/v1',
    );
  });

  it('uses the default when the variable is unset or empty, and the variable when set', () => {
    expect(interpolate('${REGION:-eu}', {})).toBe('eu');
    expect(interpolate('${REGION:-eu}', { REGION: '' })).toBe('eu');
    expect(interpolate('${REGION:-eu}', { REGION: 'us' })).toBe('us');
    expect(interpolate('x${EMPTY_DEFAULT:-}y', {})).toBe('xy');
  });

  it('keeps a default that contains URL punctuation', () => {
    expect(interpolate('${BASE:-http://localhost:11434/v1}', {})).toBe('http://localhost:11434/v1');
  });

  it('turns $${NAME} into a literal ${NAME} without looking the variable up', () => {
    expect(interpolate('$${HOME}', { HOME: '/root' })).toBe('${HOME}');
    expect(interpolate('$${MISSING}', {})).toBe('${MISSING}');
    expect(interpolate('a $${X:-d} b ${Y}', { Y: 'y' })).toBe('a ${X:-d} b y');
  });

  it('fails on a missing variable, naming it and the path of the field', () => {
    expect(() => interpolate({ providers: { openai: { api_key: '${OPENAI_API_KEY}' } } }, {})).toThrow(
      'Config providers.openai.api_key refers to ${OPENAI_API_KEY}, which is not set in the environment.',
    );
  });

  it('names array indexes in the path of a missing variable', () => {
    expect(() => interpolate({ keys: [{ key: 'fixed' }, { key: '${APP_KEY}' }] }, {})).toThrow(
      /keys\[1\]\.key refers to \$\{APP_KEY\}/,
    );
  });

  it('treats a variable set to the empty string as missing when there is no default', () => {
    expect(() => interpolate({ master_key: '${MASTER}' }, { MASTER: '' })).toThrow(/\$\{MASTER\}/);
  });

  it('walks nested objects and arrays, leaving non-strings and text without references alone', () => {
    const doc = {
      server: { port: 8080, host: '${HOST:-0.0.0.0}' },
      keys: [{ id: 'a', key: '${A}', models: ['gpt-4o*', '${EXTRA_MODEL}'] }],
      flag: true,
      nothing: null,
      plain: 'just $ text {not a ref}',
    };
    expect(interpolate(doc, { A: 'sk-aaaaaaaa', EXTRA_MODEL: 'llama-*' })).toEqual({
      server: { port: 8080, host: '0.0.0.0' },
      keys: [{ id: 'a', key: 'sk-aaaaaaaa', models: ['gpt-4o*', 'llama-*'] }],
      flag: true,
      nothing: null,
      plain: 'just $ text {not a ref}',
    });
  });

  it('does not re-expand a value that itself looks like a reference', () => {
    expect(interpolate('${A}', { A: '${B}', B: 'oops' })).toBe('${B}');
  });

  it('does not modify the input document', () => {
    const doc = { a: ['${X}'] };
    interpolate(doc, { X: '1' });
    expect(doc).toEqual({ a: ['${X}'] });
  });
});
