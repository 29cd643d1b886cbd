// A browser app on its own origin using the gateway (CORS_ORIGINS must list this origin): pages
// a cursor connection ("load more", totalCount), refetches a record by node(id), and sends every
// operation as an automatic persisted query (hash first, the query only when the gateway asks).
// No bundler and no CDN: plain ES modules and the browser's fetch and Web Crypto.
const gateway = new URLSearchParams(location.search).get('gateway') ?? 'http://localhost:4000/graphql';

const BIOSAMPLES = `query Biosamples($after: String) { encode { biosamplesConnection(first: 10, after: $after) { totalCount edges { cursor node { id accession } } pageInfo { hasNextPage endCursor } } } }`;
const RECORD = `query Record($id: ID!) { node(id: $id) { __typename id ... on EncodeBiosample { accession lab { id title } donor { id } } } }`;

async function sha256(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Apollo's APQ protocol: the hash alone first; on PERSISTED_QUERY_NOT_FOUND, hash and query. */
async function gql(query, variables) {
  const persistedQuery = { version: 1, sha256Hash: await sha256(query) };
  const send = async (body) => {
    const res = await fetch(gateway, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return res.json();
  };
  let answer = await send({ variables, extensions: { persistedQuery } });
  if (answer.errors?.some((e) => e.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND')) answer = await send({ query, variables, extensions: { persistedQuery } });
  if (answer.errors?.length) throw new Error(answer.errors.map((e) => e.message).join('; '));
  return answer.data;
}

const $ = (id) => document.getElementById(id);
let after = null;

async function loadMore() {
  const page = (await gql(BIOSAMPLES, { after })).encode.biosamplesConnection;
  $('total').textContent = `(${page.totalCount})`;
  for (const { node } of page.edges) {
    const item = document.createElement('li');
    const link = document.createElement('button');
    link.className = 'biosample';
    link.dataset.id = node.id;
    link.textContent = node.accession;
    link.onclick = () => open(node.id).catch(fail);
    item.append(link);
    $('list').append(item);
  }
  after = page.pageInfo.endCursor;
  $('more').hidden = !page.pageInfo.hasNextPage;
}

async function open(id) {
  const { node } = await gql(RECORD, { id });
  $('record').innerHTML = '';
  const dl = document.createElement('dl');
  for (const [k, v] of [['type', node.__typename], ['id', node.id], ['accession', node.accession], ['lab', node.lab?.title ?? ''], ['donor', node.donor?.id ?? '']]) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.dataset.field = k;
    dd.textContent = v;
    dl.append(dt, dd);
  }
  $('record').append(dl);
}

function fail(error) {
  $('error').textContent = String(error?.message ?? error);
}

$('more').onclick = () => loadMore().catch(fail);
loadMore().catch(fail);
