import type { Dictionary } from '../../../rules/gdc/dictionary/model';
import { EntityErrors } from '../errors';
import { pyRepr, pyTypeName } from '../../../rules/shared/pyrepr';
import { suggestion } from '../suggest';
import type { UploadEntity } from '../upload/entity';

export const UUID = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/i;

/** Keys every type accepts without setting them: sheepdog's special_keys. */
export const SPECIAL_KEYS = ['type', 'id', 'created_datetime', 'updated_datetime'];

/** System properties that get a dictionary default; the rest are set by the server itself. */
const NO_DEFAULT = new Set(['id', 'type', 'created_datetime', 'updated_datetime', 'project_id']);

/** UploadEntity.parse: the document must be an object with a known, project-submittable type. */
export function parseDocument(entity: UploadEntity, raw: unknown, dictionary: Dictionary, role: 'create' | 'update'): void {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    entity.error(`Entity document must be an object, not a ${pyTypeName(raw)}`, [], EntityErrors.INVALID_VALUE);
    return;
  }
  entity.doc = raw as Record<string, unknown>;
  const type = entity.doc.type;
  if (type === undefined || type === null) {
    entity.error("missing 'type'", ['type'], EntityErrors.INVALID_TYPE);
    return;
  }
  // str() of whatever was sent, as the Python message would print it.
  entity.type = typeof type === 'string' ? type : pyRepr(type);
  const nodeType = dictionary.get(entity.type);
  if (!nodeType) {
    entity.error(`Invalid entity type: ${entity.type}.${suggestion(entity.type, dictionary.typeNames())}`, ['type'], EntityErrors.INVALID_TYPE);
    return;
  }
  entity.nodeType = nodeType;
  // GDC keeps administrative and harmonized types (program, project, aligned_reads…) out of user uploads.
  if (!nodeType.hasProjectId || !nodeType.submittable) {
    entity.error(`${nodeType.type} is not an entity that can be upload via the project endpoint.`, ['id'], EntityErrors.INVALID_TYPE);
    return;
  }
  const id = entity.doc.id;
  entity.id = id === undefined || id === null ? null : String(id);
  if (role === 'create' && entity.id && !UUID.test(entity.id)) {
    entity.error('Cannot create entity with custom id that is not a UUID.', ['id'], EntityErrors.INVALID_VALUE);
  }
}

/** Dictionary defaults for system properties (state → validated, file_state → registered). */
export function systemDefaults(entity: UploadEntity): Record<string, unknown> {
  const nodeType = entity.nodeType!;
  const props = (nodeType.schema.properties ?? {}) as Record<string, { default?: unknown }>;
  const out: Record<string, unknown> = {};
  for (const key of nodeType.systemProperties) {
    if (NO_DEFAULT.has(key) || !nodeType.properties.includes(key)) continue;
    if (props[key] && 'default' in props[key]) out[key] = props[key].default;
  }
  return out;
}

/** str() of a value inside a message ("cannot be updated from 'a' to 'b'"). */
function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** _set_node_properties: copy document keys onto the node, refusing unknown keys and changed system properties. */
export function setNodeProperties(entity: UploadEntity, projectId: string): void {
  const nodeType = entity.nodeType!;
  const node = entity.node!;
  const system = new Set(nodeType.systemProperties);
  const links = [...nodeType.linkByName.keys()];
  const propKeys = [...nodeType.properties, ...links, ...SPECIAL_KEYS];
  const defaults = systemDefaults(entity);
  node.project_id = projectId;
  node.props.project_id = projectId;
  for (const [key, value] of Object.entries(entity.doc)) {
    if (!propKeys.includes(key)) {
      entity.error(
        `Key '${key}' is not a valid property for type '${nodeType.type}'.${suggestion(key, propKeys)}`,
        [key],
        EntityErrors.INVALID_PROPERTY,
      );
    } else if (SPECIAL_KEYS.includes(key) || nodeType.linkByName.has(key)) {
      continue;
    } else if (system.has(key)) {
      const current = node.props[key];
      if (current === undefined || current === null) node.props[key] = defaults[key] ?? null;
      else if (current !== value) {
        entity.error(
          `Key '${key}' is a system property and cannot be updated from '${pyStr(current)}' to '${pyStr(value)}'`,
          [key],
          EntityErrors.INVALID_PERMISSIONS,
        );
      }
    } else {
      node.props[key] = value;
    }
  }
}
