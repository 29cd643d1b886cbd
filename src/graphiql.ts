import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

const EXAMPLE = `# Welcome to submission-gateway. Try:
query Overview {
  gatewayInfo { sandbox upstreams { source url sandbox } }
  labs: encodeSearch(type: "Lab", limit: 5) { total records }
  sample: gdcDictionary(type: "sample")
}
`;

/** GraphiQL as one self-contained page (its JavaScript is inlined), so it works with no network. */
export function graphiqlPage(endpoint: string): string {
  return renderGraphiQL({ endpoint, title: 'submission-gateway', defaultQuery: EXAMPLE });
}
