import type { GdcApi } from '../../datasources/gdc/client';
import { parseProject } from '../../datasources/gdc/client';
import { GdcFileRefusal } from '../../datasources/gdc/files';
import type { GdcLoaders } from '../../datasources/gdc/loaders';
import type { EntityErrorCode } from '../errors/codes';
import { entityError, type FileBytesDeletionModel } from '../result';

/**
 * `deleteFileBytes`: the files endpoint's DELETE, as gdc-client's delete sends it. The entity is
 * read first, so an id that is not a data file of the project is named plainly rather than by the
 * files endpoint's terse refusal, and read again afterwards, so the answer shows the file_state GDC
 * left (registered once the bytes are gone) instead of assuming it.
 */
export async function deleteFileBytes(api: GdcApi, loaders: GdcLoaders, project: string, id: string): Promise<FileBytesDeletionModel> {
  const ref = parseProject(project);
  const key = { project, id };
  const before = (await loaders.entity.load(key))?.properties;
  if (!before) return refused(id, null, 'NOT_FOUND', `GDC has no entity ${id} in ${project}`, ['id']);
  if (!('file_state' in before)) return refused(id, null, 'INVALID_TYPE', `${before.type} ${id} is not a data file: it has no bytes to delete`, ['type']);
  const stateBefore = stateOf(before.file_state);
  try {
    await api.files.delete(ref, id);
  } catch (err) {
    if (!(err instanceof GdcFileRefusal)) throw err;
    return refused(id, stateBefore, err.status === 403 ? 'INVALID_PERMISSIONS' : err.status === 404 ? 'NOT_FOUND' : 'ERROR', `GDC refused to delete the bytes (HTTP ${err.status}): ${err.message}`, ['file'], err.message);
  }
  loaders.entity.clear(key);
  const fileState = stateOf((await loaders.entity.load(key))?.properties.file_state);
  return { id, success: true, message: `Deleted the bytes of ${before.type} ${id} (file_state was ${stateBefore ?? 'unset'}, now ${fileState ?? 'unset'}).`, fileState, errors: [] };
}

function refused(id: string, fileState: string | null, type: EntityErrorCode, message: string, keys: string[], upstreamMessage: string | null = null): FileBytesDeletionModel {
  return { id, success: false, message, fileState, errors: [{ ...entityError(type, message, keys), upstreamMessage }] };
}

function stateOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
