import { GraphQLError } from 'graphql';
import type { GdcApi } from '../../datasources/gdc/client';
import { parseProject } from '../../datasources/gdc/client';
import type { GdcLoaders } from '../../datasources/gdc/loaders';
import { delimitedEntityRows } from '../documents';
import type { SubmissionDocument } from '../submission-document';
import type { SubmissionResultModel } from '../result';
import { fromGdcEnvelope } from './envelope';

/** Per request: one caller's GDC submissions (transactions) through its client and loaders. */
export class GdcSubmissionService {
  constructor(
    private readonly api: GdcApi,
    private readonly loaders: GdcLoaders,
  ) {}

  /** The whole document as one transaction: POST (create), PUT (upsert) or PATCH, dry run or not. */
  async submit(project: string, doc: SubmissionDocument, method: 'POST' | 'PUT' | 'PATCH', dryRun: boolean): Promise<SubmissionResultModel> {
    const ref = parseProject(project);
    const text = doc.text ?? JSON.stringify(doc.entities);
    const rows = doc.format === 'json' ? [] : delimitedEntityRows(text, doc.format);
    const { status, envelope } = await this.api.submit(ref, text, {
      method,
      dryRun,
      format: doc.format,
      documentName: doc.filename ?? undefined,
    });
    return fromGdcEnvelope(envelope, status, dryRun, rows);
  }

  /** GDC's PATCH changes only the given properties (a PUT would need the whole entity again). */
  async patch(project: string, id: string, patch: Record<string, unknown>, dryRun: boolean): Promise<SubmissionResultModel> {
    const entity = await this.loaders.entity.load({ project, id });
    if (!entity) throw new GraphQLError(`GDC entity '${id}' in project ${project} not found`, { extensions: { code: 'NOT_FOUND' } });
    const doc = { ...patch, type: entity.properties.type, id };
    return this.submit(project, { format: 'json', text: JSON.stringify([doc]), entities: null, filename: null }, 'PATCH', dryRun);
  }
}
