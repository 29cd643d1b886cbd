import http from 'node:http';
import pino from 'pino';
import { execute, parse, validate, type DocumentNode } from 'graphql';
import { startGateway } from '../../src/gateway';
import { createContextFactory } from '../../src/context';
import { UpstreamPool } from '../../src/datasources/http';
import { ready } from './child';

// scratch: the gateway's schema and context behind a bare executor, for comparison
async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2]);
  const logger = pino({ level: 'silent' });
  const gw = await startGateway({ ...o, logger });
  const schema = gw.graph.current.schema;
  const upstreams = { encode: new UpstreamPool('ENCODE', o.encodeUrl, { timeoutMs: 60000 }), gdc: new UpstreamPool('GDC', o.gdcUrl, { timeoutMs: 60000 }) };
  const ctxf = createContextFactory({ upstreams, defaults: o.defaults, info: {} as any, logger, maxUploadBytes: 1e6, maxUpstreamCalls: 50 } as any);
  const docs = new Map<string, DocumentNode>();
  const bare = http.createServer((req, res) => {
    const chunks: Buffer[] = []; req.on('data', (c) => chunks.push(c)); req.on('end', async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString());
      let doc = docs.get(body.query); if (!doc) { doc = parse(body.query); validate(schema, doc); docs.set(body.query, doc); }
      const contextValue = await ctxf({ req });
      const result: any = await execute({ schema, document: doc, variableValues: body.variables, contextValue });
      result.extensions = { upstreamCalls: contextValue.upstreamCalls.counts() };
      const text = JSON.stringify(result); res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }); res.end(text);
    });
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  ready({ graphqlUrl: gw.graphqlUrl, fastUrl: `http://127.0.0.1:${(bare.address() as any).port}/graphql` }, gw.stop);
}
void main();
