import { GatewayError } from '@switchyard/contracts';
import { isRecord } from '../is-record.js';
import type { GeminiPart } from './wire.js';

/** File extensions Gemini reads from a URL, when the URL names one: its `fileData` wants a MIME type. */
const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  mp3: 'audio/mp3',
  wav: 'audio/wav',
  mp4: 'video/mp4',
};

const DATA_URL = /^data:([^;,]+)((?:;[^;,]*)*),(.*)$/s;

/** `data:<mime>;base64,<data>` → inline bytes; text data URLs are base64-encoded here. */
function fromDataUrl(url: string, param: string): GeminiPart {
  const m = DATA_URL.exec(url);
  if (!m) throw invalid(param, 'is a data URL without a media type');
  const [, mimeType, flags, data] = m as unknown as [string, string, string, string];
  const base64 = flags.split(';').includes('base64')
    ? data
    : Buffer.from(decodeURIComponent(data)).toString('base64');
  return { inlineData: { mimeType, data: base64 } };
}

/** An http(s) or gs:// URL, which Gemini fetches itself, as `fileData`. */
function fromUrl(url: string, param: string): GeminiPart {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(param, 'is not a URL');
  }
  if (!['http:', 'https:', 'gs:'].includes(parsed.protocol)) {
    throw invalid(
      param,
      `uses ${parsed.protocol.slice(0, -1)}:, but Gemini reads only http(s), gs:// and data: URLs`,
    );
  }
  const extension = /\.([a-z0-9]+)$/i.exec(parsed.pathname)?.[1]?.toLowerCase();
  const mimeType = extension ? MIME_BY_EXTENSION[extension] : undefined;
  return { fileData: mimeType ? { mimeType, fileUri: url } : { fileUri: url } };
}

/** An image, audio or file URL of a message part: inline when it is a data URL, else by reference. */
export function toMediaPart(url: string, param: string): GeminiPart {
  return url.startsWith('data:') ? fromDataUrl(url, param) : fromUrl(url, param);
}

/**
 * One non-text part of a user message: `image_url` (the `detail` hint has no Gemini equivalent
 * per part and is ignored), `input_audio`, or a `file` given inline as a data URL. A file id names
 * a file in OpenAI's store, which Gemini cannot read.
 */
export function toGeminiMediaPart(part: Record<string, unknown>, param: string): GeminiPart {
  const type = part['type'];
  if (type === 'image_url' && isRecord(part['image_url'])) {
    return toMediaPart(String(part['image_url']['url']), `${param}.image_url.url`);
  }
  if (type === 'input_audio' && isRecord(part['input_audio'])) {
    const { data, format } = part['input_audio'];
    return { inlineData: { mimeType: `audio/${String(format)}`, data: String(data) } };
  }
  if (type === 'file' && isRecord(part['file'])) {
    const file = part['file'];
    if (typeof file['file_data'] === 'string')
      return toMediaPart(file['file_data'], `${param}.file.file_data`);
    throw invalid(`${param}.file`, 'must carry file_data: Gemini cannot read files by OpenAI file id');
  }
  throw invalid(`${param}.type`, `is "${String(type)}", which Gemini does not take`);
}

const invalid = (param: string, why: string): GatewayError =>
  new GatewayError('invalid_request', `Invalid value for '${param}': it ${why}.`, { param });
