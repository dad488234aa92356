import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, toGatewayError } from '@switchyard/contracts';
import type { IngressContext } from '../context.js';
import { sendError } from '../send-error.js';
import { authenticateCaller, type Caller } from './caller.js';
import { createFileStore, type StoredFile } from '@switchyard/store';

/** What a files call answers for a failure: multipart's size limit is a 413; a bug says nothing of itself. */
function toFilesError(ctx: IngressContext, err: unknown, maxBytes: number): GatewayError {
  if ((err as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE')
    return new GatewayError('payload_too_large', `The file is larger than the limit of ${maxBytes} bytes.`);
  const gatewayError = toGatewayError(err);
  if (gatewayError.code !== 'internal') return gatewayError;
  ctx.log.error({ err }, 'files call failed');
  return new GatewayError('internal', 'The files call failed.');
}

const notFound = (id: string) => new GatewayError('not_found', `No such File object: ${id}`, { param: 'id' });
const visible = (stored: StoredFile | undefined, caller: Caller): stored is StoredFile =>
  stored !== undefined && (stored.owner === caller.owner || caller.isMaster);

/**
 * OpenAI's files API for batches: `POST /v1/files` (multipart: `file`, `purpose=batch`),
 * `GET /v1/files`, `GET /v1/files/:id`, `GET /v1/files/:id/content` and `DELETE /v1/files/:id`.
 * Each key sees only its own files (the master key: all).
 */
export const filesRoutes: FastifyPluginAsync<IngressContext> = async (app, ctx) => {
  const maxBytes = ctx.config.batch.max_file_bytes;
  const files = createFileStore(
    ctx.nc,
    ctx.config.batch.retention_days * 86_400_000,
    ctx.config.jetstream.replicas,
  );
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 10 } });

  const guarded =
    <P>(
      handle: (caller: Caller, params: P, reply: FastifyReply, request: FastifyRequest) => Promise<unknown>,
    ) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        const caller = await authenticateCaller(ctx, request);
        return await handle(caller, request.params as P, reply, request);
      } catch (err) {
        return sendError(reply, toFilesError(ctx, err, maxBytes));
      }
    };

  app.post(
    '/v1/files',
    guarded(async (caller, _params, reply, request) => {
      if (!request.isMultipart())
        throw new GatewayError(
          'invalid_request',
          'Upload the file as multipart/form-data with fields file and purpose.',
        );
      let purpose: unknown;
      let upload: { filename: string; data: Buffer } | undefined;
      for await (const part of request.parts()) {
        if (part.type === 'file') upload = { filename: part.filename, data: await part.toBuffer() };
        else if (part.fieldname === 'purpose') purpose = part.value;
      }
      if (purpose !== 'batch')
        throw new GatewayError('invalid_request', "Only purpose 'batch' is supported.", { param: 'purpose' });
      if (upload === undefined)
        throw new GatewayError('invalid_request', 'No file was uploaded.', { param: 'file' });
      const file = await files.put({
        id: `file-${randomUUID().replaceAll('-', '')}`,
        filename: upload.filename,
        purpose: 'batch',
        owner: caller.owner,
        data: upload.data,
      });
      return reply.send(file);
    }),
  );

  app.get(
    '/v1/files',
    guarded(async (caller, _params, reply) => {
      const data = (await files.list())
        .filter((s) => visible(s, caller))
        .map((s) => s.file)
        .sort((a, b) => b.created_at - a.created_at);
      return reply.send({ object: 'list', data, has_more: false });
    }),
  );

  app.get(
    '/v1/files/:id',
    guarded<{ id: string }>(async (caller, { id }, reply) => {
      const stored = await files.info(id);
      if (!visible(stored, caller)) throw notFound(id);
      return reply.send(stored.file);
    }),
  );

  app.get(
    '/v1/files/:id/content',
    guarded<{ id: string }>(async (caller, { id }, reply) => {
      const stored = await files.info(id);
      const data = visible(stored, caller) ? await files.read(id) : undefined;
      if (data === undefined) throw notFound(id);
      return reply.header('content-type', 'application/octet-stream').send(Buffer.from(data));
    }),
  );

  app.delete(
    '/v1/files/:id',
    guarded<{ id: string }>(async (caller, { id }, reply) => {
      if (!visible(await files.info(id), caller)) throw notFound(id);
      await files.delete(id);
      return reply.send({ id, object: 'file', deleted: true });
    }),
  );
};
