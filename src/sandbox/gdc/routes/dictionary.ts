import { Router, type Request } from 'express';
import type { Dictionary } from '../../../rules/gdc/dictionary/model';
import { notFound } from '../errors';

/** Everything `/_dictionary/_all` returns: the node schemas plus the definition documents. */
export function dictionaryAll(dictionary: Dictionary): Record<string, unknown> {
  return { ...dictionary.raw.nodes, ...dictionary.raw.extras };
}

/** `/_dictionary…`, with no token needed, at the root and under a project (`mergeParams` keeps both). */
export function dictionaryRoutes(dictionary: Dictionary, requireProject: (req: Request) => void): Router {
  const router = Router({ mergeParams: true });
  router.get('/_dictionary', (req, res) => {
    requireProject(req);
    const base = req.originalUrl.split('?')[0].replace(/\/+$/, '');
    res.json({ links: dictionary.typeNames().map((t) => `${base}/${t}`) });
  });
  router.get('/_dictionary/:entry', (req, res) => {
    requireProject(req);
    const entry = String(req.params.entry);
    if (entry === '_all') return void res.json(dictionaryAll(dictionary));
    const { nodes, extras } = dictionary.raw;
    const node = Object.hasOwn(nodes, entry) ? nodes[entry] : Object.hasOwn(extras, entry) ? extras[entry] : undefined;
    if (!node) throw notFound(`Entry ${entry} not in dictionary`);
    res.json(node);
  });
  return router;
}
