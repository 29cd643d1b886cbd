import type { Readable } from 'node:stream';
import type { Dictionary } from '../../../rules/gdc/dictionary/model';
import type { Role } from '../auth';
import { userError } from '../errors';
import type { GraphNode, GraphStore } from '../store';
import { noSuchUpload, ObjectStore, S3Error, type StoredObject } from './objects';
import { completeResult, initiateResult, listPartsResult, parseCompleteBody } from './s3xml';

export type FileAction = 'upload' | 'upload_part' | 'initiate_multipart' | 'complete_multipart' | 'list_parts' | 'abort_multipart' | 'delete';

/** sheepdog's PERMISSIONS: the role each file action needs. */
export const FILE_ACTION_ROLES: Record<FileAction, Role> = {
  upload: 'create',
  upload_part: 'create',
  initiate_multipart: 'create',
  complete_multipart: 'create',
  list_parts: 'read',
  abort_multipart: 'create',
  delete: 'delete',
};

const UPLOADING = 'uploading';
const UPLOADED = 'uploaded';
/** The dictionary's file_state default, where abort and delete send a file back. */
const REGISTERED = 'registered';
/** States from which a (single or multipart) upload may start. */
const STARTABLE = new Set(['error', REGISTERED, UPLOADING]);
const NEEDS_UPLOADING = new Set<FileAction>(['upload_part', 'complete_multipart', 'list_parts', 'abort_multipart']);

export const BUCKET = 'gdc-sandbox-submission';

export interface FileReply {
  status: number;
  /** S3's answers are XML, passed through as text/xml; the dry run answers JSON. */
  xml?: string;
  json?: unknown;
  headers?: Record<string, string>;
}

export interface FileRequest {
  projectId: string;
  id: string;
  action: FileAction;
  dryRun: boolean;
  uploadId?: string;
  partNumber?: number;
  /** The request body, for upload, upload_part and complete. */
  body?: Readable;
  /** ListParts paging (`max-parts`, `part-number-marker`). */
  maxParts?: number;
  partNumberMarker?: number;
  /** Base URL the object's Location is given under. */
  baseUrl: string;
}

/**
 * `/{PROG}/{PROJ}/files/{uuid}`: an S3-compatible proxy in front of the object store, as sheepdog's
 * proxy_request runs it: the data-file entity must exist in the project, its file_state must allow the
 * action, and the action moves file_state (upload/initiate → uploading, success → uploaded, abort and
 * delete → registered).
 */
export class FileService {
  constructor(
    private readonly dictionary: Dictionary,
    private readonly store: GraphStore,
    readonly objects: ObjectStore,
  ) {}

  /** The stored bytes of a data file, for checks (size, md5, path); undefined when nothing is stored. */
  stored(id: string): StoredObject | undefined {
    const node = this.store.get(id);
    return node?.project_id ? this.objects.object(objectKey(node.project_id, id)) : undefined;
  }

  private fileNode(projectId: string, id: string): GraphNode {
    const node = this.store.get(id);
    if (!node || node.project_id !== projectId) throw userError(`File ${id} doesn't exist in ${projectId}`);
    const nodeType = this.dictionary.get(node.type);
    if (!nodeType?.properties.includes('file_state')) throw userError(`${node.type} ${id} is not a data file.`);
    return node;
  }

  async handle(req: FileRequest): Promise<FileReply> {
    const node = this.fileNode(req.projectId, req.id);
    const state = String(node.props.file_state ?? REGISTERED);
    const refused = (['upload', 'initiate_multipart'].includes(req.action) && !STARTABLE.has(state)) || (NEEDS_UPLOADING.has(req.action) && state !== UPLOADING);
    if (refused) throw userError(`File in ${state} state, ${req.action} not allowed`);
    if (req.dryRun) {
      return {
        status: 200,
        json: { message: 'Transaction would have been successful. User selected dry run option; transaction aborted, no data written to object storage.' },
      };
    }
    return this.act(node, objectKey(req.projectId, req.id), req);
  }

  private async act(node: GraphNode, key: string, req: FileRequest): Promise<FileReply> {
    switch (req.action) {
      case 'upload': {
        setFileState(node, UPLOADING);
        const object = await this.objects.put(key, req.body!);
        setFileState(node, UPLOADED);
        return { status: 200, xml: '', headers: { etag: `"${object.etag}"` } };
      }
      case 'initiate_multipart': {
        setFileState(node, UPLOADING);
        return { status: 200, xml: initiateResult(BUCKET, key, this.objects.initiate(key)) };
      }
      case 'upload_part': {
        const part = await this.objects.putPart(key, req.uploadId!, req.partNumber!, req.body!);
        return { status: 200, xml: '', headers: { etag: part.etag } };
      }
      case 'list_parts': {
        const parts = this.objects.parts(key, req.uploadId!);
        const page = { bucket: BUCKET, key, uploadId: req.uploadId!, marker: req.partNumberMarker ?? 0, maxParts: req.maxParts ?? 1000, parts };
        return { status: 200, xml: listPartsResult(page) };
      }
      case 'complete_multipart': {
        if (!this.objects.hasUpload(key, req.uploadId!)) throw noSuchUpload(req.uploadId!);
        const requested = parseCompleteBody(await readText(req.body!, 8 * 1024 * 1024));
        if (!requested) throw new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
        const object = await this.objects.complete(key, req.uploadId!, requested);
        setFileState(node, UPLOADED);
        return { status: 200, xml: completeResult(`${req.baseUrl}/${BUCKET}/${key}`, BUCKET, key, object.etag) };
      }
      case 'abort_multipart': {
        if (!this.objects.hasUpload(key, req.uploadId!)) throw noSuchUpload(req.uploadId!);
        setFileState(node, REGISTERED);
        this.objects.abort(key, req.uploadId!);
        return { status: 204, xml: '' };
      }
      case 'delete': {
        this.objects.delete(key);
        setFileState(node, REGISTERED);
        return { status: 204, xml: '' };
      }
    }
  }
}

export function objectKey(projectId: string, id: string): string {
  return `${projectId}/${id}`;
}

function setFileState(node: GraphNode, state: string): void {
  node.props.file_state = state;
}

/** A small body (the CompleteMultipartUpload document), refused past `limit` bytes. */
async function readText(source: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new S3Error(400, 'MaxMessageLengthExceeded', 'Your request was too big.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
