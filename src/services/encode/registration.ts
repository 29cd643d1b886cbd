import { GraphQLError } from 'graphql';
import type { EncodeApi } from '../../datasources/encode/client';
import type { EncodeLoaders } from '../../datasources/encode/loaders';
import type { EncodeRecord } from '../../datasources/encode/models';
import { badInput, parseJsonEntities } from '../documents';
import type { SubmissionDocument } from '../submission-document';
import type { SubmissionResultModel } from '../result';
import { type EncodeBatchItem, writeEncodeBatch } from './batch';
import { dryRunEncode } from './dry-run';
import { itemTypeOf } from './outcome';

/** Per request: one caller's ENCODE registrations and patches through its client and loaders. */
export class EncodeRegistrationService {
  constructor(
    private readonly api: EncodeApi,
    private readonly loaders: EncodeLoaders,
  ) {}

  private lookup = (ids: string[]): Promise<(EncodeRecord | null)[]> => this.loaders.record.loadMany(ids).then(noErrors);

  async create(profile: string, doc: SubmissionDocument, dryRun: boolean): Promise<SubmissionResultModel> {
    if (doc.format !== 'json') {
      throw badInput('ENCODE records must be JSON (entities, or a JSON document or file); TSV is not supported for ENCODE yet', 'format');
    }
    const records = doc.entities ?? parseJsonEntities(doc.text as string, doc.filename ? 'file' : 'document');
    const items: EncodeBatchItem[] = records.map((record) => ({ record, type: profile }));
    if (dryRun) {
      const schema = await this.api.getProfile(profile);
      if (!schema) throw badInput(`The ENCODE portal has no profile '${profile}'`, 'profile');
      return dryRunEncode(items, schema, 'create', this.lookup);
    }
    return writeEncodeBatch(items, 'create', (item) => this.api.create(profile, item.record));
  }

  async patch(id: string, patch: Record<string, unknown>, dryRun: boolean): Promise<SubmissionResultModel> {
    if (!dryRun) {
      const current = await this.loaders.record.load(id);
      const type = current ? itemTypeOf(current) : null;
      return writeEncodeBatch([{ record: patch, type }], 'update', () => this.api.patch(id, patch));
    }
    const [current, editable] = await Promise.all([this.loaders.record.load(id), this.api.getRecord(id, 'edit')]);
    if (!current || !editable) throw new GraphQLError(`ENCODE record '${id}' not found`, { extensions: { code: 'NOT_FOUND' } });
    const type = itemTypeOf(current);
    const schema = type ? await this.api.getProfile(type) : null;
    if (!schema) throw badInput(`The ENCODE portal has no profile for record '${id}' (${type})`, 'id');
    const merged = { ...editable, ...patch };
    return dryRunEncode([{ record: merged, type }], schema, 'update', this.lookup, [Object.keys(patch)]);
  }
}

function noErrors<T>(values: (T | Error)[]): T[] {
  return values.map((v) => {
    if (v instanceof Error) throw v;
    return v;
  });
}
