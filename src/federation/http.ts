import type { Request, Response } from 'express';
import type { LiveGraph } from '../graph/live';
import { subgraphSdl } from './print';

/**
 * `GET /subgraph.graphql`: the subgraph SDL of the schema live now, as a file for a composition
 * tool (the same text as `_service { sdl }`). The schema version travels as the ETag and in
 * `Schema-Version`, so a poller can ask `If-None-Match` and recompose only on a change.
 */
export function subgraphFile(graph: LiveGraph) {
  return (req: Request, res: Response) => {
    const { schema, version } = graph.current;
    res.setHeader('schema-version', version.id);
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('content-disposition', 'inline; filename="subgraph.graphql"');
    res.type('text/plain; charset=utf-8');
    // express answers 304 itself when If-None-Match matches this ETag.
    res.setHeader('etag', `"${version.id}"`);
    res.send(subgraphSdl(schema));
  };
}
