import { Readable } from 'node:stream';
import type { GatewayClient } from '../gateway-client';
import type { MultipartFile } from '../multipart';
import type { ParsedInput } from './input';
import { CREATE, type EntityResult, JOB_RESULT, PATCH, START_CREATE, START_PATCH, type SubmissionResult } from './operations';
import type { RegisterOptions } from './run';

/** The input of createEntities/patchRecords (and of their jobs) eu_register's flags make, the document as an uploaded file. */
function request(options: RegisterOptions, input: ParsedInput, document: string, env: NodeJS.ProcessEnv): { variables: Record<string, unknown>; files: MultipartFile[] } {
  const common = { source: 'ENCODE', file: null, format: input.format.toUpperCase(), dryRun: options.dryRun };
  const bytes = Buffer.from(document);
  const files = [{ path: 'variables.input.file', filename: input.filename, size: bytes.length, open: () => Readable.from([bytes]) }];
  if (options.action === 'post') {
    // The defaults eu_register takes from DCC_AWARD/DCC_LAB come from this machine's environment.
    const defaults = { ...(env.DCC_AWARD ? { award: env.DCC_AWARD } : {}), ...(env.DCC_LAB ? { lab: env.DCC_LAB } : {}) };
    return { variables: { input: { ...common, profile: options.profile, noAliases: !options.aliases, ...defaults } }, files };
  }
  const removeProperties = options.action === 'rm-patch' ? { removeProperties: options.removeProperties } : {};
  return { variables: { input: { ...common, overwriteArrays: options.overwriteArrays, ...removeProperties } }, files };
}

/** The synchronous mutation: one answer with every record (the dry run, see run.ts). */
export async function submitNow(client: GatewayClient, options: RegisterOptions, input: ParsedInput, document: string, env: NodeJS.ProcessEnv): Promise<SubmissionResult> {
  const { variables, files } = request(options, input, document, env);
  if (options.action === 'post') return (await client.upload<{ createEntities: SubmissionResult }>(CREATE, variables, files)).createEntities;
  return (await client.upload<{ patchRecords: SubmissionResult }>(PATCH, variables, files)).patchRecords;
}

/** startCreateEntities / startPatchRecords with the same input: the job's id. */
export async function startJob(client: GatewayClient, options: RegisterOptions, input: ParsedInput, document: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { variables, files } = request(options, input, document, env);
  if (options.action === 'post') return (await client.upload<{ startCreateEntities: { id: string } }>(START_CREATE, variables, files)).startCreateEntities.id;
  return (await client.upload<{ startPatchRecords: { id: string } }>(START_PATCH, variables, files)).startPatchRecords.id;
}

/** Entities per page of Job.result (the gateway's most). */
const PAGE = 1000;

/** Every entity the job recorded, in input order, read in pages of Job.result. */
export async function jobEntities(client: GatewayClient, id: string): Promise<EntityResult[]> {
  const all: EntityResult[] = [];
  for (;;) {
    const after = all.length ? String(all[all.length - 1].index) : null;
    const { job } = await client.request<{ job: { result: SubmissionResult | null } | null }>(JOB_RESULT, { id, first: PAGE, after });
    const page = job?.result?.entities ?? [];
    all.push(...page);
    if (page.length < PAGE) return all;
  }
}
