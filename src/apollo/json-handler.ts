import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, type BaseContext, type ContextFunction, HeaderMap } from '@apollo/server';

type Next = (err?: unknown) => void;

function isJson(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  return typeof type === 'string' && /^application\/(graphql-response\+)?json\b/i.test(type);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * POST /graphql with a JSON body, from node:http straight to Apollo: what @as-integrations/express5
 * does, without body-parser and express's res.send (which hashes every answer into an ETag). Every
 * lookup takes this path, so what it saves is most of the gateway's own latency. Anything else
 * (multipart uploads, GET, GraphiQL) goes on to the express chain.
 */
export function jsonGraphqlHandler<C extends BaseContext>(
  apollo: ApolloServer<C>,
  context: ContextFunction<[{ req: IncomingMessage; res: ServerResponse }], C>,
  maxBytes: number,
) {
  return (req: IncomingMessage, res: ServerResponse, next: Next): void => {
    if (!isJson(req)) return next();
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBytes) {
        refused = true;
        send(res, 413, { errors: [{ message: `Request body is larger than ${maxBytes} bytes (MAX_UPLOAD_BYTES)`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', next);
    req.on('end', () => {
      if (refused) return;
      let body: unknown;
      try {
        body = JSON.parse(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        send(res, 400, { errors: [{ message: `Request body is not valid JSON: ${(err as Error).message}`, extensions: { code: 'BAD_REQUEST' } }] });
        return;
      }
      void execute(apollo, context, req, res, body).catch(next);
    });
  };
}

async function execute<C extends BaseContext>(
  apollo: ApolloServer<C>,
  context: ContextFunction<[{ req: IncomingMessage; res: ServerResponse }], C>,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const answer = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers, search: q < 0 ? '' : url.slice(q), body },
    context: () => context({ req, res }),
  });
  for (const [key, value] of answer.headers) res.setHeader(key, value);
  res.statusCode = answer.status ?? 200;
  if (answer.body.kind === 'complete') {
    res.setHeader('content-length', Buffer.byteLength(answer.body.string));
    res.end(answer.body.string);
    return;
  }
  for await (const chunk of answer.body.asyncIterator) res.write(chunk);
  res.end();
}
