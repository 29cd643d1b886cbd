import type { FileUpload } from 'graphql-upload-minimal';
import type { GdcApi } from '../../datasources/gdc/client';
import type { GdcProjectRef } from '../../datasources/gdc/models';
import { LostResponse } from '../../datasources/lost-response';
import { badInput } from '../documents';
import type { SubmissionResultModel } from '../result';
import { spool } from './document/source';
import { resultFromAnswer } from './envelope';
import { reconcile } from './reconcile';
import { lostDryRun } from './transaction';

export interface BcrXmlRequest {
  kind: 'biospecimen' | 'clinical';
  document?: string | null;
  file?: Promise<FileUpload> | null;
  dryRun: boolean;
}

/**
 * TCGA BCR XML, converted by GDC into entities (one transaction, role update). The XML goes up as
 * it came; GDC's parse errors ("Unable to parse xml: …") and entity errors come back in the result.
 */
export async function submitBcrXml(api: GdcApi, project: GdcProjectRef, req: BcrXmlRequest, maxBytes: number): Promise<SubmissionResultModel> {
  if ((req.document == null) === (req.file == null)) throw badInput('Give exactly one of document or file', 'input');
  if (req.document != null && !req.document.trim()) throw badInput('The document is empty: nothing to submit', 'document');
  const spooled = req.file ? await spool(req.file, maxBytes) : null;
  try {
    const answer = await api.submitBcrXml(project, req.kind, spooled ? spooled.open() : req.document!, req.dryRun);
    return resultFromAnswer(answer, req.dryRun);
  } catch (err) {
    if (!(err instanceof LostResponse)) throw err;
    if (req.dryRun) throw lostDryRun(err);
    return reconcile(api, project, err, { keys: [], method: 'PUT', rows: null, documentName: null });
  } finally {
    await spooled?.dispose();
  }
}
