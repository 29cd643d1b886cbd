import { Router } from 'express';
import type { Dictionary } from '../../../rules/gdc/dictionary/model';
import { notFound, userError } from '../errors';
import { renderTemplate, type TemplateFormat } from '../templates';

/** `/template/<type>` (also under a project): a submission template as a download, no token needed. */
export function templateRoutes(dictionary: Dictionary): Router {
  const router = Router({ mergeParams: true });
  router.get('/template/:type', (req, res) => {
    const format = String(req.query.format ?? 'tsv').toLowerCase();
    if (!['tsv', 'csv', 'json'].includes(format)) throw userError(`Format ${format} is not supported; use tsv, csv or json`);
    const nodeType = dictionary.get(String(req.params.type));
    if (!nodeType) throw notFound(`Entry ${String(req.params.type)} not in dictionary`);
    res.attachment(`submission_${nodeType.type}_template.${format}`);
    res.set('content-type', 'application/octet-stream');
    res.send(Buffer.from(renderTemplate(nodeType, dictionary, format as TemplateFormat), 'utf8'));
  });
  return router;
}
