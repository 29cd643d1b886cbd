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

/**
 * A job's entities read from Job.result as the job records them, each handed to `onEntity` once.
 * Outcomes are recorded in the order the job writes (a record after those it links to, which may
 * be later in the input), so each read starts after the first index not seen yet, not the last.
 */
export class JobEntities {
  private readonly seen = new Map<number, EntityResult>();
  /** Every index below it has been seen. */
  private next = 0;
  private reading: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly client: GatewayClient,
    private readonly id: string,
    private readonly onEntity: (entity: EntityResult) => void,
  ) {}

  /** Reads what the job recorded since; one read at a time, and one more after it when asked meanwhile. */
  refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    const read = async () => {
      do {
        this.again = false;
        await this.readNew();
      } while (this.again);
    };
    this.reading = read().finally(() => (this.reading = null));
    return this.reading;
  }

  /** Every entity read, in input order. */
  all(): EntityResult[] {
    return [...this.seen.values()].sort((a, b) => a.index - b.index);
  }

  private async readNew(): Promise<void> {
    for (let after = this.next - 1; ; ) {
      const { job } = await this.client.request<{ job: { result: SubmissionResult | null } | null }>(JOB_RESULT, { id: this.id, first: PAGE, after: after < 0 ? null : String(after) });
      const page = job?.result?.entities ?? [];
      for (const e of page) {
        if (this.seen.has(e.index)) continue;
        this.seen.set(e.index, e);
        this.onEntity(e);
      }
      while (this.seen.has(this.next)) this.next++;
      if (page.length < PAGE) return;
      after = page[page.length - 1].index;
    }
  }
}
