import { GatewayError } from '@switchyard/contracts';
import { isRecord } from '../is-record.js';

/** A Messages API content block, as sent upstream. */
export type AnthropicBlock = Record<string, unknown> & { type: string };

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const DATA_URL = /^data:([^;,]+)((?:;[^;,]+)*?);base64,(.*)$/s;

const refuse = (message: string, param: string): GatewayError =>
  new GatewayError('invalid_request', message, { param });

/**
 * `cache_control` rides along on OpenAI content parts (the convention of gateways that front
 * Anthropic): copied to the block, so callers can mark what Anthropic should cache.
 */
function withCacheControl(block: AnthropicBlock, part: Record<string, unknown>): AnthropicBlock {
  return isRecord(part['cache_control']) ? { ...block, cache_control: part['cache_control'] } : block;
}

/**
 * Text content (a string or text parts) as text blocks. Empty text is left out: the API refuses
 * empty text blocks, and an empty string says nothing.
 */
export function toTextBlocks(content: unknown, param: string): AnthropicBlock[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw refuse(`Invalid value for '${param}'.`, param);
  return content.flatMap((part: unknown, j) => {
    if (!isRecord(part)) throw refuse(`Invalid value for '${param}[${j}]'.`, `${param}[${j}]`);
    // An assistant's refusal part is what it said: it goes back as text.
    const text =
      part['type'] === 'text' ? part['text'] : part['type'] === 'refusal' ? part['refusal'] : undefined;
    if (typeof text !== 'string') {
      throw refuse(`Provider anthropic accepts only text in '${param}[${j}]'.`, `${param}[${j}]`);
    }
    return text === '' ? [] : [withCacheControl({ type: 'text', text }, part)];
  });
}

/** A user message's content: text, images (data or http(s) URLs) and PDF files. */
export function toUserBlocks(content: unknown, param: string): AnthropicBlock[] {
  if (!Array.isArray(content)) return toTextBlocks(content, param);
  return content.flatMap((part: unknown, j): AnthropicBlock[] => {
    const at = `${param}[${j}]`;
    if (!isRecord(part)) throw refuse(`Invalid value for '${at}'.`, at);
    switch (part['type']) {
      case 'text':
        return toTextBlocks([part], param);
      case 'image_url':
        return [withCacheControl(toImageBlock(part['image_url'], `${at}.image_url.url`), part)];
      case 'file':
        return [withCacheControl(toDocumentBlock(part['file'], `${at}.file`), part)];
      case 'input_audio':
        throw refuse('Provider anthropic does not accept audio input.', at);
      default:
        throw refuse(
          `Provider anthropic does not accept content parts of type '${String(part['type'])}'.`,
          at,
        );
    }
  });
}

function toImageBlock(image: unknown, param: string): AnthropicBlock {
  const url = isRecord(image) ? image['url'] : undefined;
  if (typeof url !== 'string') throw refuse(`Missing required parameter: '${param}'.`, param);
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  const data = DATA_URL.exec(url);
  if (!data) {
    throw refuse(
      `Invalid value for '${param}': expected an http(s) URL or a base64 data URL (data:image/png;base64,…).`,
      param,
    );
  }
  const mediaType = data[1]!.toLowerCase();
  if (!IMAGE_TYPES.has(mediaType)) {
    throw refuse(
      `Provider anthropic accepts image/jpeg, image/png, image/gif or image/webp images, not ${mediaType}.`,
      param,
    );
  }
  return { type: 'image', source: { type: 'base64', media_type: mediaType, data: data[3]! } };
}

/** OpenAI's `file` part with inline `file_data` (a PDF, the only file type chat completions take). */
function toDocumentBlock(file: unknown, param: string): AnthropicBlock {
  const fileData = isRecord(file) ? file['file_data'] : undefined;
  if (typeof fileData !== 'string') {
    throw refuse(
      'Provider anthropic accepts files only as inline file_data; uploaded file ids are not portable.',
      param,
    );
  }
  const data = DATA_URL.exec(fileData);
  const mediaType = data ? data[1]!.toLowerCase() : 'application/pdf';
  if (mediaType !== 'application/pdf') {
    throw refuse(`Provider anthropic accepts PDF files, not ${mediaType}.`, `${param}.file_data`);
  }
  const block: AnthropicBlock = {
    type: 'document',
    source: { type: 'base64', media_type: mediaType, data: data ? data[3]! : fileData },
  };
  const filename = isRecord(file) ? file['filename'] : undefined;
  return typeof filename === 'string' && filename !== '' ? { ...block, title: filename } : block;
}
