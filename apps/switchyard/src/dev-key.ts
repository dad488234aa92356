import { randomBytes } from 'node:crypto';

/** A master key for a dev session that set none: random, shown once at start, never stored. */
export const generateDevKey = (): string => `sk-sy-dev-${randomBytes(24).toString('base64url')}`;

export function startBanner(options: {
  url: string;
  masterKey: string;
  generated: boolean;
  nats: string;
}): string {
  const { url, masterKey, generated, nats } = options;
  const lines = ['', `  Switchyard is listening on ${url}   (NATS: ${nats})`, ''];
  if (generated) {
    lines.push(
      `  Dev master key (generated for this run; set SWITCHYARD_MASTER_KEY to choose one):`,
      `    ${masterKey}`,
      '',
    );
  }
  const key = generated ? masterKey : '$SWITCHYARD_MASTER_KEY';
  lines.push(
    '  Try it:',
    `    curl ${url}/v1/chat/completions \\`,
    `      -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\`,
    `      -d '{"model":"demo","messages":[{"role":"user","content":"Hello!"}]}'`,
    '',
    '  Add "stream": true to the body (and curl -N) to watch it stream.',
    '',
  );
  return lines.join('\n');
}
