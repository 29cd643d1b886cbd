import { GraphQLError } from 'graphql';
import { DEFAULT_MAX_COLUMNS } from '../../rules/shared/columns';
import type { GdcApi, GdcProjectStep } from '../../datasources/gdc/client';
import { parseProject } from '../../datasources/gdc/client';
import type { GdcLoaders } from '../../datasources/gdc/loaders';
import type { GdcDocumentFormat } from '../../datasources/gdc/models';
import type { CreateEntitiesInput } from '../../generated/resolvers-types';
import type { FileBytesDeletionModel, SubmissionResultModel } from '../result';
import { createEntities } from './create';
import { memoryDocument } from './document/source';
import { type BcrXmlRequest, submitBcrXml } from './bcr';
import { exportFiles, manifestOf } from './exports';
import { deleteFileBytes } from './file-bytes';
import { closeTransaction, commitTransaction, deleteEntities } from './lifecycle';
import { type GdcTransactionModel, transactionLog, transactionLogs } from './log';
import { changeProjectState } from './project-state';
import { type GdcFileModel, templates } from './templates';
import { type SendOptions, sendDocument } from './transaction';
import { readParentRanks, sendChunks, type SentChunk } from './chunked';
import { sendOrder } from './document/chunks';
import { scanDocument, type DocumentScan } from './document/scan';
import type { GdcDocument } from './document/source';

/**
 * Per request: one caller's GDC submissions (transactions, their lifecycle, templates) through its
 * client and loaders. Each operation lives in its own module; this is the one door to them.
 */
export class GdcSubmissionService {
  constructor(
    private readonly api: GdcApi,
    private readonly loaders: GdcLoaders,
    private readonly maxUploadBytes: number = 100 * 1024 * 1024,
    private readonly parentRanks: () => Map<string, number> | null = () => null,
    /** MAX_COLUMNS for TSV/CSV documents. */
    private readonly maxColumns: number = DEFAULT_MAX_COLUMNS,
  ) {}

  /** createEntities: one transaction (or `chunkSize` several), the document streamed, never held whole. */
  create(project: string, input: CreateEntitiesInput): Promise<SubmissionResultModel> {
    return createEntities(this.api, parseProject(project), input, this.maxUploadBytes, this.parentRanks(), this.maxColumns);
  }

  /** What a job sends: every entity's type and line, and the parents-first order chunks are cut from. */
  async chunkPlan(doc: GdcDocument): Promise<{ scan: DocumentScan; order: number[] }> {
    const scan = await scanDocument(doc);
    return { scan, order: sendOrder(scan, this.parentRanks() ?? (await readParentRanks(this.api))) };
  }

  /** A job's createEntities: the same chunks createEntities(chunkSize) sends, one by one from `fromChunk` (src/jobs/work/gdc.ts). */
  sendChunks(project: string, doc: GdcDocument, plan: { scan: DocumentScan; order: number[] }, options: SendOptions, chunkSize: number, fromChunk: number, firstOptions: SendOptions): AsyncGenerator<SentChunk> {
    return sendChunks(this.api, parseProject(project), doc, options, chunkSize, plan.scan, plan.order, fromChunk, firstOptions);
  }

  /** GDC's PATCH changes only the given properties (a PUT would need the whole entity again). */
  async patch(project: string, id: string, patch: Record<string, unknown>, dryRun: boolean): Promise<SubmissionResultModel> {
    const ref = parseProject(project);
    const entity = await this.loaders.entity.load({ project, id });
    if (!entity) throw new GraphQLError(`GDC entity '${id}' in project ${project} not found`, { extensions: { code: 'NOT_FOUND' } });
    const doc = memoryDocument(JSON.stringify([{ ...patch, type: entity.properties.type, id }]), 'json');
    return sendDocument(this.api, ref, doc, { method: 'PATCH', dryRun, async: false }, null);
  }

  commit(project: string, transactionId: number, async: boolean): Promise<SubmissionResultModel> {
    return commitTransaction(this.api, parseProject(project), transactionId, async);
  }

  close(project: string, transactionId: number): Promise<SubmissionResultModel> {
    return closeTransaction(this.api, parseProject(project), transactionId);
  }

  delete(project: string, ids: string[], dryRun: boolean): Promise<SubmissionResultModel> {
    return deleteEntities(this.api, parseProject(project), ids, dryRun);
  }

  /** One step of the project release workflow (open, review, submit, release). */
  projectState(project: string, step: GdcProjectStep, dryRun: boolean, async: boolean): Promise<SubmissionResultModel> {
    return changeProjectState(this.api, parseProject(project), step, dryRun, async);
  }

  /** A data file's uploaded bytes removed; the entity stays. */
  deleteFileBytes(project: string, id: string): Promise<FileBytesDeletionModel> {
    return deleteFileBytes(this.api, this.loaders, project, id);
  }

  templates(types: string[], format: GdcDocumentFormat): Promise<GdcFileModel[]> {
    return templates(this.api, types, format);
  }

  submitBcrXml(project: string, req: BcrXmlRequest): Promise<SubmissionResultModel> {
    return submitBcrXml(this.api, parseProject(project), req, this.maxUploadBytes);
  }

  export(project: string, ids: string[], format: GdcDocumentFormat, withChildren: boolean): Promise<GdcFileModel[]> {
    return exportFiles(this.api, parseProject(project), ids, format, withChildren);
  }

  manifest(project: string, ids: string[]): Promise<string> {
    return manifestOf(this.api, parseProject(project), ids);
  }

  transaction(project: string, id: number): Promise<GdcTransactionModel | null> {
    return transactionLog(this.api, parseProject(project), id);
  }

  transactions(project: string, first: number, offset: number): Promise<GdcTransactionModel[]> {
    return transactionLogs(this.api, parseProject(project), first, offset);
  }

  /** The caller's query to GDC's own submission GraphQL; its errors become GraphQL errors here. */
  async graphql(query: string, variables: unknown): Promise<unknown> {
    const answer = await this.api.graphql(query, variables ?? {});
    if (answer.errors.length) {
      throw new GraphQLError(`GDC's submission GraphQL: ${answer.errors.join('; ')}`, {
        extensions: { code: 'BAD_USER_INPUT', upstream: 'GDC', upstreamStatus: answer.status, upstreamErrors: answer.errors, upstreamData: answer.data },
      });
    }
    return answer.data;
  }
}
