const encoder = new TextEncoder();

/** JSONL text as the bytes a file is stored as. */
export const utf8 = (text: string): Uint8Array => encoder.encode(text);
