import { GatewayError } from '@switchyard/contracts';
import type { ContentBlock, ImageFormat } from './converse.js';

/** The image types Converse accepts, by the MIME type a data URL names. */
const FORMATS: Readonly<Record<string, ImageFormat>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const DATA_URL = /^data:([^;,]+)((?:;[^;,]*)*);base64,/i;

/**
 * An OpenAI `image_url` part as a Converse image block. Converse takes image bytes only: it cannot
 * fetch a URL, so an http(s) URL is refused with a 400 naming the parameter instead of being
 * fetched by the gateway (which would make it a proxy to arbitrary hosts).
 */
export function toImageBlock(url: string, param: string): ContentBlock {
  if (/^https?:/i.test(url)) {
    throw new GatewayError(
      'invalid_request',
      'Bedrock cannot fetch images by URL: send the image inline as a base64 data URL (data:image/png;base64,…).',
      { param },
    );
  }
  const match = DATA_URL.exec(url);
  if (!match) {
    throw new GatewayError(
      'invalid_request',
      'Invalid image URL: expected a base64 data URL (data:image/png;base64,…).',
      { param },
    );
  }
  const mime = match[1]!.toLowerCase();
  const format = FORMATS[mime];
  if (!format) {
    throw new GatewayError(
      'invalid_request',
      `Bedrock does not accept ${mime} images: use image/png, image/jpeg, image/gif or image/webp.`,
      { param },
    );
  }
  // Bedrock's JSON carries the bytes base64-encoded: the caller's base64 is passed on as it came.
  return { image: { format, source: { bytes: url.slice(match[0].length).replace(/\s+/g, '') } } };
}
