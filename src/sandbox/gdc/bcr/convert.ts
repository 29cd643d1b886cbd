import { biospecimenEntities, type ConvertContext, type Entity } from './biospecimen';
import { clinicalEntities } from './clinical';
import { parseXml, XmlDocument } from './xml';

export type BcrKind = 'biospecimen' | 'clinical';
export { BcrParseError } from './xml';

/** A BCR XML document as the entity documents GDC would submit for it (throws BcrParseError). */
export function convertBcr(kind: BcrKind, text: string, ctx: ConvertContext): Entity[] {
  const xml = new XmlDocument(parseXml(text));
  return kind === 'biospecimen' ? biospecimenEntities(xml, ctx) : clinicalEntities(xml, ctx);
}
