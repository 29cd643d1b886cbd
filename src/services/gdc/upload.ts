import type { FileUpload } from 'graphql-upload-minimal';
import { GraphQLError } from 'graphql';
import type { GdcApi } from '../../datasources/gdc/client';
import type { GdcLoaders } from '../../datasources/gdc/loaders';
import type { UploadObserver, UploadResultModel } from '../result';
import { discard, openUpload, type UploadLimits } from '../upload-stream';

/** What a GDC upload may use, built per request in the context. */
export interface GdcUploadDeps {
  api: GdcApi;
  loaders: GdcLoaders;
  limits: UploadLimits;
  observe?: UploadObserver;
}

export interface GdcUploadRequest {
  /** The data file entity id (uuid). */
  id: string;
  /** PROGRAM-PROJECT of the entity. */
  project: string | null;
  file: Promise<FileUpload>;
}

/**
 * `uploadFile(source: GDC)`: the bytes of a data file entity to the submission API's files endpoint.
 * Not there yet: the request's bytes are read and dropped (so the caller gets this answer rather
 * than a broken connection) and the answer says so.
 */
export async function uploadGdcFile(_deps: GdcUploadDeps, request: GdcUploadRequest): Promise<UploadResultModel> {
  discard((await openUpload(request.file)).stream);
  throw new GraphQLError('uploadFile does not support GDC yet: upload GDC data files with gdc-client for now', {
    extensions: { code: 'NOT_IMPLEMENTED', upstream: 'GDC' },
  });
}
