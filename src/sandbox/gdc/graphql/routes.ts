import { Router, type Request, type Response } from 'express';
import { execute, GraphQLError, parse, validate, type DocumentNode, type ExecutionResult } from 'graphql';
import { pyTypeName } from '../../../rules/shared/pyrepr';
import type { TokenGrant } from '../auth';
import { JsonParseError, parseJsonStrict } from '../documents/json';
import type { GdcService } from '../service';
import { buildSubmissionGraphql, type SubmissionGraphql } from './schema';
import { GraphView } from './view';

interface Answer {
  status: number;
  body: { data: unknown; errors?: string[] };
}

const fail = (errors: string[], data: unknown = null, status = 400): Answer => ({ status, body: { data, errors } });

/**
 * POST /graphql: peregrine's endpoint. 200 `{"data"}` when nothing went wrong; any error is 400 with
 * the data so far and `errors` as strings (gdc-client joins them); an unknown caller is 403.
 */
export function graphqlRoutes(service: GdcService, tokens: Record<string, TokenGrant>): Router {
  const router = Router();
  // Built on first use: a sandbox that never answers GraphQL does not pay for the schema.
  let built: SubmissionGraphql | null = null;
  const graphql = () => (built ??= buildSubmissionGraphql(service.dictionary));

  router.post('/graphql', (req: Request, res: Response) => {
    const answer = answerQuery(req, res, service, tokens, graphql);
    res.status(answer.status).json(answer.body);
  });
  router.all('/graphql', (_req: Request, res: Response) => {
    res.status(405).json({ message: 'The method is not allowed for the requested URL.' });
  });
  return router;
}

function answerQuery(req: Request, res: Response, service: GdcService, tokens: Record<string, TokenGrant>, graphql: () => SubmissionGraphql): Answer {
  const payload = readPayload(typeof req.body === 'string' ? req.body : '');
  if ('status' in payload) return payload;
  const grant = tokens[req.get('x-auth-token') ?? ''];
  if (!grant) return fail(['Unauthorized query.'], {}, 403);
  res.locals.principal = grant.name;
  if (typeof payload.query !== 'string' || !payload.query.trim()) return fail(['Must provide query string.']);

  const { schema, model } = graphql();
  let document: DocumentNode;
  try {
    document = parse(payload.query);
  } catch (err) {
    return fail([(err as GraphQLError).message]);
  }
  const invalid = validate(schema, document);
  if (invalid.length) return fail(invalid.map((e) => e.message));
  const view = new GraphView(model, service.store, service.logs, readableProjects(service, grant));
  const result = execute({ schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue: view }) as ExecutionResult;
  if (result.errors?.length) return fail(result.errors.map((e) => e.message), result.data ?? null);
  return { status: 200, body: { data: result.data ?? null } };
}

interface Payload {
  query: unknown;
  variables: Record<string, unknown>;
  operationName?: string;
}

/** peregrine's parse_request_json and get_variables: variables may be an object or a JSON string. */
function readPayload(body: string): Payload | Answer {
  let parsed: unknown;
  try {
    parsed = parseJsonStrict(body);
  } catch (err) {
    const reason = err instanceof JsonParseError ? err.message : String(err);
    return { status: 400, body: { data: null, errors: [`Unable to parse json: ${reason}`] } };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return fail([`JSON parsed from request is an invalid type: ${pyTypeName(parsed)}`]);
  }
  const { query, variables: raw, operationName } = parsed as Record<string, unknown>;
  let variables: unknown = {};
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) variables = raw;
  else if (raw) {
    if (typeof raw !== 'string') return fail(['Unable to parse variables', `the JSON object must be str, bytes or bytearray, not ${pyTypeName(raw)}`]);
    try {
      variables = JSON.parse(raw);
    } catch (err) {
      return fail(['Unable to parse variables', (err as Error).message]);
    }
    if (!variables || typeof variables !== 'object' || Array.isArray(variables)) return fail(['Unable to parse variables', 'variables must be a JSON object']);
  }
  return { query, variables: variables as Record<string, unknown>, operationName: typeof operationName === 'string' ? operationName : undefined };
}

/** The projects a token may read: those it names, else every project of the sandbox. */
function readableProjects(service: GdcService, grant: TokenGrant): Set<string> {
  if (grant.projects) return new Set(grant.projects);
  const ids = new Set<string>();
  for (const project of service.store.ofType('project')) {
    const program = (project.links.programs ?? []).map((id) => service.store.get(id)).find(Boolean);
    if (program) ids.add(`${String(program.props.name)}-${String(project.props.code)}`);
  }
  return ids;
}
