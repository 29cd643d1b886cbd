import { randomUUID } from 'node:crypto';
import { mintAccession } from './accession';
import { processAttachments, type StoredAttachment } from './attachments';
import { badRequest, conflict, forbidden, methodNotAllowed, validationFailure } from './errors';
import { Identifiers } from './identifiers';
import { mapLinks } from '../../rules/encode/links';
import { type Method, RecordValidator, type WriteContext } from '../../rules/encode/validation';
import { calculatedProperties } from '../../rules/encode/calculated';
import { HIDDEN_FROM_REVERSE_LINKS, reverseLinksOf } from './reverse-links';
import { type AccessKey, isAdmin, type Principal } from './principals';
import type { Json, ProfileRegistry, TypeInfo } from './profiles';
import { biosampleTypeName, type Item, ItemStore } from './store';
import { issueUploadCredentials, type S3Target, type UploadCredentials } from './upload';

/** Statuses anyone may read; other items need a signed-in submitter or admin. */
const PUBLIC_STATUSES = new Set(['released', 'current', 'archived', 'revoked']);
/** Statuses after which only admins may edit (encoded's lab-submitter ACLs stop at release). */
const FROZEN_STATUSES = new Set(['released', 'revoked', 'archived', 'deleted', 'replaced']);
const UPLOADABLE = new Set(['uploading', 'upload failed']);

export interface PortalSnapshot {
  items: Item[];
  uploads: [string, UploadCredentials][];
  attachments: [string, { type: string; data: string }][];
}

export type Frame = 'object' | 'edit' | 'embedded' | 'page';

/**
 * The portal's behaviour behind HTTP: snovault's create/update views (validation, server defaults,
 * link serialisation, unique keys) and encoded's frames, permissions and upload credentials.
 */
export class Portal {
  readonly store: ItemStore;
  readonly ids: Identifiers;
  private readonly validator: RecordValidator;
  private readonly uploads = new Map<string, UploadCredentials>();
  /** Linked records' stored properties, for calculated properties (what encoded's request.embed reads). */
  private readonly lookup = (uuid: string): Json | undefined => this.store.get(uuid)?.properties;
  /** Attachment bytes by `<uuid>/<property>/<file name>`. */
  private readonly attachments = new Map<string, StoredAttachment>();

  constructor(
    readonly profiles: ProfileRegistry,
    private readonly s3: S3Target,
  ) {
    this.store = new ItemStore(profiles);
    this.ids = new Identifiers(profiles, this.store);
    this.validator = new RecordValidator();
  }

  // --- state on disk (SANDBOX_DATA_DIR) --------------------------------------------------------

  snapshot(): PortalSnapshot {
    return {
      items: this.store.all(),
      uploads: [...this.uploads],
      attachments: [...this.attachments].map(([key, a]) => [key, { type: a.type, data: a.data.toString('base64') }]),
    };
  }

  /** Loads a snapshot into an empty portal (instead of a seed). */
  restore(state: PortalSnapshot): void {
    // Twice: a calculated key (a target's `label-organism`) reads items that may come later.
    for (let pass = 0; pass < 2; pass++) for (const item of state.items) this.store.put(item);
    for (const [uuid, credentials] of state.uploads) this.uploads.set(uuid, credentials);
    for (const [key, a] of state.attachments) this.attachments.set(key, { type: a.type, data: Buffer.from(a.data, 'base64') });
  }

  // --- principals -----------------------------------------------------------------------------

  /** The user an access key signs in as, created on first use when the seed has none. */
  principalFor(key: AccessKey): Principal {
    let user = this.store.byKey('user:email', key.email);
    if (!user && this.profiles.get('user')) {
      const [first, last] = [key.role.charAt(0).toUpperCase() + key.role.slice(1), 'Sandbox'];
      // The profile's current schema_version, as a user created through the portal would carry.
      const schemaVersion = String(this.profiles.get('user')!.schema.properties?.schema_version?.default ?? '1');
      user = { uuid: randomUUID(), itemType: 'user', version: 1, properties: { email: key.email, first_name: first, last_name: last, groups: key.role === 'admin' ? ['admin'] : [], submits_for: [], status: 'current', schema_version: schemaVersion } };
      this.store.put(user);
    }
    return { role: key.role, keyId: key.id, userId: user?.uuid, submitsFor: (user?.properties.submits_for as string[] | undefined) ?? [] };
  }

  /** Makes the user with this email submit for every lab (and belong to the first), as an admin would grant. */
  grantAllLabs(email: string): void {
    const user = this.store.byKey('user:email', email);
    const labs = this.store.all().filter((i) => i.itemType === 'lab').map((i) => i.uuid);
    if (!user || !labs.length) return;
    const properties = { ...user.properties, submits_for: labs, lab: user.properties.lab ?? labs[0] };
    this.store.put({ ...user, properties, version: user.version + 1 });
  }

  canRead(p: Principal, item: Item): boolean {
    return p.role === 'admin' || p.role === 'submitter' || PUBLIC_STATUSES.has(String(item.properties.status ?? 'current'));
  }

  canEdit(p: Principal, item: Item): boolean {
    if (isAdmin(p)) return true;
    if (p.role !== 'submitter') return false;
    if (item.itemType === 'user' && item.uuid === p.userId) return true;
    // encoded: a replicate takes its experiment's local roles.
    const owner = item.itemType === 'replicate' ? this.store.get(String(item.properties.experiment)) : item;
    const lab = owner?.properties.lab;
    return typeof lab === 'string' && p.submitsFor.includes(lab) && !FROZEN_STATUSES.has(String(item.properties.status));
  }

  private canAdd(p: Principal, info: TypeInfo): boolean {
    if (isAdmin(p)) return true;
    // Submitters add lab-owned records and replicates (ALLOW_SUBMITTER_ADD); awards, labs, users… are admin-only.
    return p.role === 'submitter' && ('lab' in (info.schema.properties ?? {}) || info.itemType === 'replicate');
  }

  // --- writes ---------------------------------------------------------------------------------

  create(info: TypeInfo, body: unknown, p: Principal, seeding = false): Item {
    if (info.abstract) throw methodNotAllowed(`Cannot add to the abstract collection ${info.collection}`);
    if (!seeding && p.role === 'anonymous') throw forbidden('Unauthorized: add failed permission check');
    if (!seeding && !this.canAdd(p, info)) throw forbidden(`Unauthorized: add failed permission check`);
    this.check(info, body, { method: 'POST', principal: p });
    const data = body as Json;
    const uuid = typeof data.uuid === 'string' ? data.uuid.toLowerCase() : randomUUID();
    if (this.store.get(uuid)) throw conflict('UUID conflict');
    const properties = this.withDefaults(info, this.serialise(info, this.attach(info, uuid, omit(data, 'uuid'))), p);
    this.assertUnique(info, properties, uuid);
    const item: Item = { uuid, itemType: info.itemType, properties, version: 1 };
    this.store.put(item);
    if (info.itemType === 'file' && UPLOADABLE.has(String(properties.status))) this.issueUpload(item);
    return item;
  }

  patch(item: Item, body: unknown, p: Principal): Item {
    if (!this.canEdit(p, item)) throw forbidden('Unauthorized: edit failed permission check');
    if (!isObject(body)) return this.check(this.infoOf(item), body, { method: 'PATCH', principal: p }) as never;
    if (typeof body.uuid === 'string' && body.uuid.toLowerCase() !== item.uuid) {
      throw validationFailure([{ location: 'body', name: ['uuid'], description: 'uuid may not be changed' }]);
    }
    const { schema_version: _v, ...stored } = item.properties;
    return this.update(item, { ...stored, ...body }, p, 'PATCH');
  }

  put(item: Item, body: unknown, p: Principal): Item {
    if (!this.canEdit(p, item)) throw forbidden('Unauthorized: edit failed permission check');
    if (isObject(body)) {
      if (typeof body.uuid === 'string' && body.uuid.toLowerCase() !== item.uuid) {
        throw validationFailure([{ location: 'body', name: ['uuid'], description: 'uuid may not be changed' }]);
      }
      const accession = item.properties.accession;
      if (accession && accession !== body.accession) {
        throw validationFailure([{ location: 'body', name: ['accession'], description: 'must specify original accession' }]);
      }
    }
    return this.update(item, body, p, 'PUT');
  }

  private update(item: Item, body: unknown, p: Principal, method: Method): Item {
    const info = this.infoOf(item);
    this.check(info, body, { method, principal: p, current: { ...item.properties, uuid: item.uuid } });
    const properties = this.withDefaults(info, this.serialise(info, this.attach(info, item.uuid, omit(body as Json, 'uuid'))), p);
    this.assertUnique(info, properties, item.uuid);
    const updated: Item = { ...item, properties, version: item.version + 1 };
    this.store.put(updated);
    return updated;
  }

  /** `POST /files/<id>/@@upload`: new credentials; `upload failed` goes back to `uploading`. */
  renewUpload(item: Item, p: Principal): Item {
    if (!this.canEdit(p, item)) throw forbidden('Unauthorized: edit failed permission check');
    if (!UPLOADABLE.has(String(item.properties.status))) throw forbidden('status must be "uploading" to issue new credentials');
    const updated = { ...item, properties: { ...item.properties, status: 'uploading' }, version: item.version + 1 };
    this.store.put(updated);
    this.issueUpload(updated);
    return updated;
  }

  uploadCredentials(item: Item): UploadCredentials | undefined {
    return this.uploads.get(item.uuid);
  }

  /** Makes a file's credentials expire now, as 36 hours passing would (for tests and demos of renewal). */
  expireUploadCredentials(uuid: string, at = new Date()): void {
    const creds = this.uploads.get(uuid);
    if (creds) this.uploads.set(uuid, { ...creds, expiration: at.toISOString().replace('Z', '+00:00') });
  }

  private issueUpload(item: Item): void {
    const extensions = this.profiles.get('file')?.schema.file_format_file_extension;
    this.uploads.set(item.uuid, issueUploadCredentials(this.s3, item.uuid, item.properties, extensions));
  }

  private check(info: TypeInfo, body: unknown, write: { method: Method; principal: Principal; current?: Json }): void {
    const admin = isAdmin(write.principal);
    const ctx: WriteContext = {
      method: write.method,
      links: this.ids,
      admin,
      // Loading runs as an admin without a user; a signed-in submitter submits for its labs only.
      submitsFor: write.principal.userId && !admin ? write.principal.submitsFor : null,
      current: write.current,
    };
    const errors = this.validator.validate(info.schema, body, ctx);
    if (errors.length) throw validationFailure(errors);
  }

  private attach(info: TypeInfo, uuid: string, data: Json): Json {
    return processAttachments(info.schema, data, (prop, name, file) => this.attachments.set(`${uuid}/${prop}/${name}`, file));
  }

  /** `GET <item>/@@download/<property>/<file name>`. */
  download(item: Item, prop: string, name: string): StoredAttachment | undefined {
    return this.attachments.get(`${item.uuid}/${prop}/${name}`);
  }

  /** Links stored as uuids, as snovault's serialising validator does. */
  private serialise(info: TypeInfo, data: Json): Json {
    return mapLinks(info.schema, data, (link, schema) => this.ids.item(link, ([] as string[]).concat(schema.linkTo))?.uuid ?? link) as Json;
  }

  private withDefaults(info: TypeInfo, data: Json, p: Principal): Json {
    const out: Json = { ...data };
    for (const [key, def] of Object.entries((info.schema.properties ?? {}) as Json)) {
      if (key in out || key === 'uuid') continue;
      if (def.serverDefault) {
        const value = this.serverDefault(def, p, out);
        if (value !== undefined) out[key] = value;
      } else if ('default' in def) out[key] = structuredClone(def.default);
    }
    return out;
  }

  private serverDefault(def: Json, p: Principal, record: Json): unknown {
    switch (def.serverDefault) {
      case 'accession':
        // encoded mints none for records that carry an external accession (files from SRA/GEO).
        if ('external_accession' in record) return undefined;
        return mintAccession(def.accessionType ?? 'XX', (a) => !!this.store.byKey('accession', a));
      case 'now':
        return new Date().toISOString().replace('Z', '+00:00');
      case 'userid':
        return p.userId;
      case 'uuid4':
        return randomUUID();
      default:
        return undefined;
    }
  }

  private assertUnique(info: TypeInfo, properties: Json, uuid: string): void {
    const clashes = this.store.conflicts(info.itemType, properties, uuid);
    if (clashes.length) throw conflict(`Keys conflict: [${clashes.map(([ns, v]) => `('${ns}', '${v}')`).join(', ')}]`);
  }

  infoOf(item: Item): TypeInfo {
    return this.profiles.get(item.itemType)!;
  }

  // --- frames ---------------------------------------------------------------------------------

  render(item: Item, frame: Frame, p: Principal): Json {
    // snovault's item_edit renders links as resource paths, as a client would PUT them back.
    if (frame === 'edit') return { ...(mapLinks(this.infoOf(item).schema, item.properties, (uuid) => this.atIdOf(uuid)) as Json), uuid: item.uuid };
    const object = this.objectFrame(item, p);
    if (frame === 'object') return object;
    // embedded/page: linked items inlined one level deep (encoded embeds per type; this is the gist).
    const embedded = mapLinks(this.infoOf(item).schema, item.properties, (uuid) => {
      const linked = this.store.get(uuid);
      return linked && this.canRead(p, linked) ? this.objectFrame(linked, p) : this.atIdOf(uuid);
    }) as Json;
    return { ...object, ...embedded };
  }

  objectFrame(item: Item, p: Principal): Json {
    const info = this.infoOf(item);
    const rendered = mapLinks(info.schema, item.properties, (uuid) => this.atIdOf(uuid)) as Json;
    const out: Json = { ...rendered, '@id': this.ids.atId(item), '@type': [info.name, ...info.bases, 'Item'], uuid: item.uuid };
    if (info.itemType === 'biosample_type' && item.properties.classification) out.name = biosampleTypeName(item.properties);
    Object.assign(out, calculatedProperties(info.itemType, item.properties, { atId: out['@id'], schema: info.schema, lookup: this.lookup }));
    for (const rev of reverseLinksOf(info.schema)) {
      out[rev.name] = this.store.reverse
        .sources(rev, item.uuid)
        .map((uuid) => this.store.get(uuid)!)
        .filter((source) => !HIDDEN_FROM_REVERSE_LINKS.has(String(source.properties.status)))
        .map((source) => this.ids.atId(source));
    }
    const creds = this.uploads.get(item.uuid);
    if (creds && UPLOADABLE.has(String(item.properties.status)) && this.canEdit(p, item)) out.upload_credentials = creds;
    return out;
  }

  private atIdOf(uuid: string): string {
    const item = this.store.get(uuid);
    return item ? this.ids.atId(item) : uuid;
  }

  /** Bad JSON bodies are 400s before any validation. */
  static parseBody(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw badRequest(`Expecting value: ${(err as Error).message}`);
    }
  }
}

function isObject(v: unknown): v is Json {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function omit(data: Json, key: string): Json {
  const { [key]: _drop, ...rest } = data;
  return rest;
}
