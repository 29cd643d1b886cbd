import { Router, type Request } from 'express';
import type { Dictionary } from '../../../rules/gdc/dictionary/model';
import { tarGz } from '../archive';
import { notFound, userError } from '../errors';
import { renderTemplate, TEMPLATE_FORMATS, templateDocument, templateTypes, type TemplateFormat } from '../templates';

function templateFormat(req: Request): TemplateFormat {
  const format = String(req.query.format ?? 'tsv').toLowerCase();
  if (!TEMPLATE_FORMATS.includes(format as TemplateFormat)) throw userError(`Format ${format} is not supported; use tsv, csv or json`);
  return format as TemplateFormat;
}

function list(value: unknown): string[] {
  return value ? String(value).split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/**
 * `/template/<type>` (also under a project): a submission template as a download, no token needed.
 * `/template` alone: every submittable type, as `submission_templates.tar.gz` of `<type>.<fmt>` files
 * (TSV/CSV) or one JSON array, narrowed by `categories=` and `exclude=` (types or categories).
 */
export function templateRoutes(dictionary: Dictionary): Router {
  const router = Router({ mergeParams: true });
  router.get('/template/:type', (req, res) => {
    const format = templateFormat(req);
    const nodeType = dictionary.get(String(req.params.type));
    if (!nodeType) throw notFound(`Entry ${String(req.params.type)} not in dictionary`);
    res.attachment(`submission_${nodeType.type}_template.${format}`);
    res.set('content-type', 'application/octet-stream');
    res.send(Buffer.from(renderTemplate(nodeType, dictionary, format), 'utf8'));
  });
  router.get('/template', async (req, res) => {
    const format = templateFormat(req);
    const types = templateTypes(dictionary, list(req.query.categories), list(req.query.exclude));
    if (format === 'json') {
      res.attachment('submission_templates.json');
      res.set('content-type', 'application/json');
      return void res.send(Buffer.from(JSON.stringify(types.map((t) => templateDocument(t, dictionary)), null, 2), 'utf8'));
    }
    const archive = await tarGz(types.map((t) => ({ name: `${t.type}.${format}`, content: renderTemplate(t, dictionary, format) })));
    res.attachment('submission_templates.tar.gz');
    res.set('content-type', 'application/octet-stream');
    res.send(archive);
  });
  return router;
}
