import { cacheExchange, Client, CombinedError, fetchExchange } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';

/**
 * The urql client: every operation, mutations too, goes as an automatic persisted query (the
 * SHA-256 of the document as urql prints it, `__typename` added, which is the id
 * `npm run persisted:manifest -- <folder> --client urql` gives it, so the same app runs under
 * TRUSTED_DOCUMENTS). POST, not GET: the gateway's CSRF prevention wants a header on GETs, which
 * makes the browser preflight each distinct URL, where one preflight serves every POST.
 */
export function createClient(url: string): Client {
  return new Client({
    url,
    exchanges: [cacheExchange, persistedExchange({ preferGetForPersistedQueries: false, enableForMutation: true }), fetchExchange],
  });
}

/** One line for the page: the GraphQL errors' messages with their codes, or the network failure. */
export function describeError(error: CombinedError): string {
  if (error.networkError) return `Network error: ${error.networkError.message}`;
  return error.graphQLErrors.map((e) => (e.extensions?.code ? `${e.message} (${String(e.extensions.code)})` : e.message)).join('; ');
}
