import type { Client } from '@urql/core';
import { describeError } from './client';
import { RegisterTsvDocument, type RegisterTsvMutation } from './gql/graphql';
import { $ } from './dom';

type EntityResult = RegisterTsvMutation['createEntities']['entities'][number];

/**
 * The TSV form: the chosen file goes up as a GraphQL multipart request (urql sends a File in the
 * variables that way) with `Apollo-Require-Preflight`, which the gateway's CSRF prevention asks of
 * multipart requests; the answer is one table row per TSV row.
 */
export function registerForm(client: Client, fail: (message: string) => void): void {
  const form = $('register') as HTMLFormElement;
  form.onsubmit = async (event) => {
    event.preventDefault();
    const file = ($('tsv') as HTMLInputElement).files?.[0];
    const profile = ($('profile') as HTMLInputElement).value.trim();
    if (!file || !profile) return fail('Choose a TSV file and a profile');
    $('summary').textContent = 'Registering…';
    const { data, error } = await client
      .mutation(RegisterTsvDocument, { profile, file }, { fetchOptions: { headers: { 'apollo-require-preflight': 'true' } } })
      .toPromise();
    if (error || !data) {
      $('summary').textContent = '';
      return fail(error ? describeError(error) : 'no data');
    }
    const result = data.createEntities;
    $('summary').textContent = `${result.createdCount} created, ${result.errorCount} with errors: ${result.message}`;
    $('results').replaceChildren(...result.entities.map(resultRow));
  };
}

function resultRow(entity: EntityResult): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset.row = String(entity.row ?? entity.index);
  const cells: [string, string][] = [
    ['row', String(entity.row ?? '')],
    ['action', entity.action ?? 'none'],
    ['accession', entity.accession ?? ''],
    ['id', entity.id ?? ''],
    ['aliases', entity.aliases.join(', ')],
    ['errors', entity.errors.map((e) => `${e.code}: ${e.message}`).join('\n')],
  ];
  for (const [name, value] of cells) {
    const td = document.createElement('td');
    td.dataset.field = name;
    td.textContent = value;
    tr.append(td);
  }
  return tr;
}
