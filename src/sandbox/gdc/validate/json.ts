import type { Dictionary } from '../../../rules/gdc/dictionary/model';
import type { UploadEntity } from '../upload/entity';
import type { SchemaValidator } from './schema';

const REQUIRED = /^'(.*)' is a required property$/;

/**
 * gdcdatamodel's GDCJSONValidator.record_errors: each document against its type's schema. Upstream stops
 * at the first document without a known type (`break`), leaving later documents unchecked; so does this.
 */
export function recordSchemaErrors(entities: UploadEntity[], dictionary: Dictionary, validator: SchemaValidator): void {
  for (const entity of entities) {
    const doc = entity.doc;
    if (!('type' in doc)) {
      entity.error("'type' is a required property", ['type']);
      break;
    }
    if (typeof doc.type !== 'string' || !dictionary.get(doc.type)) {
      entity.error(`specified type: ${entity.type ?? String(doc.type)} is not in the current data model`, ['type']);
      break;
    }
    for (const error of validator.validate(doc.type, doc)) {
      let keys = error.path.length ? [error.path.join('.')] : [];
      if (!keys.length) {
        const m = REQUIRED.exec(error.message);
        if (m) keys = [m[1]];
      }
      const message = error.context.length ? `${error.message}: ${error.context.map((c) => c.message).join(' and ')}` : error.message;
      entity.error(message, keys);
    }
  }
}
