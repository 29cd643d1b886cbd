/**
 * A browser app on its own origin using the gateway (CORS_ORIGINS must list this origin): pages
 * biosamples through a cursor connection, refetches a record by node(id), and registers a TSV
 * through createEntities with a file input. `?gateway=` names the gateway (default :4000).
 */
import { biosampleList } from './biosamples';
import { createClient } from './client';
import { $ } from './dom';
import { registerForm } from './register';

const gateway = new URLSearchParams(location.search).get('gateway') ?? 'http://localhost:4000/graphql';
const client = createClient(gateway);
const fail = (message: string): void => {
  $('error').textContent = message;
};

registerForm(client, fail);
void biosampleList(client, fail)();
