import type { Client } from '@urql/core';
import { describeError } from './client';
import { BiosamplesDocument, RecordDocument } from './gql/graphql';
import { $, field } from './dom';

/** The biosamples list: one connection page per "Load more", the portal's total beside the title. */
export function biosampleList(client: Client, fail: (message: string) => void): () => Promise<void> {
  let after: string | null = null;
  const loadMore = async (): Promise<void> => {
    const { data, error } = await client.query(BiosamplesDocument, { after }).toPromise();
    if (error || !data) return fail(error ? describeError(error) : 'no data');
    const page = data.encode.biosamplesConnection;
    $('total').textContent = `(${page.totalCount})`;
    for (const { node } of page.edges) {
      const button = document.createElement('button');
      button.className = 'biosample';
      button.dataset.id = node.id;
      button.textContent = node.accession ?? node.id;
      button.onclick = () => void openRecord(client, node.id, fail);
      const item = document.createElement('li');
      item.append(button);
      $('list').append(item);
    }
    after = page.pageInfo.endCursor ?? null;
    $('more').hidden = !page.pageInfo.hasNextPage;
  };
  $('more').onclick = () => void loadMore();
  return loadMore;
}

/** One record by node(id) alone, with its lab and donor. */
async function openRecord(client: Client, id: string, fail: (message: string) => void): Promise<void> {
  const { data, error } = await client.query(RecordDocument, { id }).toPromise();
  if (error || !data) return fail(error ? describeError(error) : 'no data');
  const node = data.node;
  const dl = document.createElement('dl');
  if (!node) {
    dl.append(...field('id', `${id} (not found)`));
  } else {
    const biosample = node.__typename === 'EncodeBiosample' ? node : null;
    dl.append(
      ...field('type', node.__typename),
      ...field('id', node.id),
      ...field('accession', biosample?.accession ?? ''),
      ...field('lab', biosample?.lab?.title ?? ''),
      ...field('donor', biosample?.donor?.id ?? ''),
    );
  }
  $('record').replaceChildren(dl);
}
