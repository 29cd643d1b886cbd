import type { GraphiQLOptions } from 'graphql-yoga';

const EXAMPLE = `# Run it with the play button or Ctrl-Enter
query Overview {
  gatewayInfo {
    sandbox
    upstreams { source url sandbox }
  }
  labs: encodeSearch(type: "Lab", limit: 5) {
    total
    records
  }
  sample: gdcDictionary(type: "sample")
}
`;

/**
 * GraphiQL as one self-contained page (its JavaScript is inlined), so it works with no network.
 * The page opens on `query`: render-graphiql 5.18 reads it at run time but leaves it out of its
 * types, and shows its own welcome text instead of `defaultQuery` (graphql-yoga issue 3979).
 */
export function graphiqlPage(endpoint: string): string {
  // Loaded on the first browser visit: render-graphiql brings graphql-yoga and GraphiQL's bundle,
  // about 60 MB of resident memory that a gateway serving only API callers never needs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { renderGraphiQL } = require('@graphql-yoga/render-graphiql') as typeof import('@graphql-yoga/render-graphiql');
  const options: GraphiQLOptions & { query: string } = {
    endpoint,
    title: 'submission-gateway',
    query: EXAMPLE,
    defaultQuery: EXAMPLE,
  };
  return renderGraphiQL(options);
}
