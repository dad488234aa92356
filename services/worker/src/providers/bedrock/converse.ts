/**
 * The parts of Bedrock's Converse wire format this adapter writes, as the API reference names
 * them (JSON members, not the SDK's classes). Only what is sent is typed; answers are read
 * defensively from `unknown`, since a provider may add members at any time.
 */

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

export type ToolResultContent = { text: string } | { json: unknown };

export type ContentBlock =
  | { text: string }
  | { image: { format: ImageFormat; source: { bytes: string } } }
  | { toolUse: { toolUseId: string; name: string; input: unknown } }
  | { toolResult: { toolUseId: string; content: ToolResultContent[]; status?: 'success' | 'error' } };

export interface ConverseMessage {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

export interface ToolSpec {
  toolSpec: { name: string; description?: string; inputSchema: { json: unknown } };
}

export type ToolChoice = { auto: object } | { any: object } | { tool: { name: string } };

export interface InferenceConfig {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

/** The body of `POST /model/{modelId}/converse` and `/converse-stream` (the model is in the path). */
export interface ConverseRequest {
  messages: ConverseMessage[];
  system?: { text: string }[];
  inferenceConfig?: InferenceConfig;
  toolConfig?: { tools: ToolSpec[]; toolChoice?: ToolChoice };
  /** Key-value tags for Bedrock's model invocation logs. */
  requestMetadata?: Record<string, string>;
}
