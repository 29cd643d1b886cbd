import express, { type NextFunction, type Request, type Response } from 'express';
import { starterPath } from '../shared/paths';
import { FaultSwitch } from '../shared/faults';
import { RequestLog } from '../shared/request-log';
import type { TokenGrant } from './auth';
import { loadDictionary } from '../../rules/gdc/dictionary/load';
import { Dictionary } from '../../rules/gdc/dictionary/model';
import { HttpError } from './errors';
import { type ObjectSnapshot, ObjectStore } from './files/objects';
import { StateFile } from '../shared/state-file';
import { FileService } from './files/service';
import { graphqlRoutes } from './graphql/routes';
import { bcrRoutes } from './routes/bcr';
import { dictionaryRoutes } from './routes/dictionary';
import { exportRoutes } from './routes/export';
import { fileRoutes } from './routes/files';
import { projectRoutes } from './routes/project';
import { submissionRoutes } from './routes/submission';
import { templateRoutes } from './routes/templates';
import { seedProjects } from './seed';
import { GdcService, type ServiceSnapshot } from './service';
import { GraphStore } from './store';
import { SchemaValidator } from './validate/schema';

export { Dictionary } from '../../rules/gdc/dictionary/model';

/** Fixed, non-secret sandbox tokens (loopback only). */
export const GDC_SANDBOX_TOKENS = {
  submitter: 'gdc-sandbox-submitter-token',
  readonly: 'gdc-sandbox-readonly-token',
} as const;

export const DEFAULT_PROJECTS = ['GDC-INTERNAL', 'TCGA-ALCH', 'TCGA-CHOL', 'TCGA-LUAD', 'QA-REGRESSION'];

export interface GdcSandboxOptions {
  /** Injected faults (latency, errors, resets, hangs, lost responses); default from SANDBOX_FAULTS. */
  faults?: FaultSwitch;
  /** A resolved `dictionary_all.json`-style file, or a folder of node YAMLs; default the built-in starter. */
  dictionary?: string;
  projects?: string[];
  tokens?: Record<string, TokenGrant>;
  /** Where uploaded data files are kept; default a temporary folder, made on first upload, removed by close(). */
  filesDir?: string | null;
  /** A snapshot file the entities, transaction log and uploaded files' index are kept in and reloaded from; none = in memory. */
  stateFile?: string | null;
  /** MAX_COLUMNS: cells of one TSV/CSV record beyond which a document is refused; default DEFAULT_MAX_COLUMNS (2,000). */
  maxColumns?: number;
}

export interface GdcSandbox {
  handler: express.Express;
  requests: RequestLog;
  faults: FaultSwitch;
  dictionary: Dictionary;
  /** The emulator's state and operations, for tests that look behind the HTTP surface. */
  service: GdcService;
  /** The data-file endpoint and its object store (`files.stored(id)`: size and md5 of the uploaded bytes). */
  files: FileService;
  /** Writes pending changes to the state file (if any), then removes the uploaded files' temporary folder. */
  close(): void;
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

export async function createGdcSandbox(opts: GdcSandboxOptions = {}): Promise<GdcSandbox> {
  const dictionary = new Dictionary(loadDictionary(opts.dictionary ?? starterPath('gdc', 'dictionary')));
  const tokens = opts.tokens ?? {
    [GDC_SANDBOX_TOKENS.submitter]: { name: 'sandbox-submitter', roles: 'all' },
    [GDC_SANDBOX_TOKENS.readonly]: { name: 'sandbox-readonly', roles: 'read' },
  };
  const store = new GraphStore();
  const validator = new SchemaValidator((type) => dictionary.get(type)?.schema);
  const service = new GdcService(dictionary, store, validator, opts.maxColumns);
  const objects = new ObjectStore(opts.filesDir);
  const files = new FileService(dictionary, store, objects);
  const state = opts.stateFile ? new StateFile(opts.stateFile, () => ({ service: service.snapshot(), objects: objects.snapshot() })) : null;
  const saved = state?.read<{ service: ServiceSnapshot; objects: ObjectSnapshot }>();
  if (saved) {
    service.restore(saved.service);
    objects.restore(saved.objects);
  } else seedProjects(store, opts.projects ?? DEFAULT_PROJECTS);
  const requests = new RequestLog();

  const app = express();
  app.disable('x-powered-by');
  // GDC's Flask app sorts JSON keys (JSONIFY_SORT_KEYS); clients and diffs see the same order here.
  app.set('json replacer', sortedKeys);
  app.use(requests.middleware());
  if (state) app.use(state.middleware());
  const faults = opts.faults ?? FaultSwitch.fromEnv();
  app.use(faults.middleware());
  // Data files stream to disk: their routes come before the body parser, which would buffer them.
  app.use(['/v0/submission', '/submission'], fileRoutes(service, files, tokens));
  app.use(express.text({ type: () => true, limit: '200mb' }));

  const api = express.Router();
  api.use('/', graphqlRoutes(service, tokens));
  const noProject = () => undefined;
  const projectScoped = (req: Request) => service.requireProject(String(req.params.program), String(req.params.project));
  api.use('/', dictionaryRoutes(dictionary, noProject));
  api.use('/:program/:project', dictionaryRoutes(dictionary, projectScoped));
  api.use('/', templateRoutes(dictionary));
  api.use('/:program/:project', templateRoutes(dictionary));
  api.use('/', exportRoutes(service, tokens));
  api.use('/', bcrRoutes(service, tokens));
  api.use('/', projectRoutes(service, tokens));
  api.use('/', submissionRoutes(service, tokens));
  app.use(['/v0/submission', '/submission'], api);

  app.use((req: Request, res: Response) => {
    res.status(404).json({ message: `The requested URL ${req.path} was not found on the server.` });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HttpError) return void res.status(err.status).json({ message: err.message });
    const status = (err as { status?: number }).status;
    if (status && status >= 400 && status < 500) return void res.status(status).json({ message: (err as Error).message });
    res.status(500).json({ message: 'Internal server error' });
  });

  return { handler: app, requests, faults, dictionary, service, files, close: () => {
      state?.flush();
      files.objects.close();
    },
  };
}
