import fs from 'node:fs';
import path from 'node:path';
import { type Json, ProfileSet, typesFromFiles } from '../../rules/encode/profiles';
import { addCalculatedProperties } from '../../rules/encode/calculated';
import { addReverseLinkProperties } from './reverse-links';

export { profileFor } from '../../rules/encode/profiles';
export type { Json, TypeInfo } from '../../rules/encode/profiles';

/** A folder of ENCODE profiles (with mixins.json), loaded as encoded serves them. */
export class ProfileRegistry extends ProfileSet {
  constructor(readonly dir: string) {
    if (!fs.existsSync(path.join(dir, 'mixins.json'))) {
      throw new Error(`ENCODE profiles folder ${dir} has no mixins.json (set SANDBOX_ENCODE_PROFILES to a folder of ENCODE profiles)`);
    }
    const raw = new Map<string, Json>();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      raw.set(file.replace(/\.json$/, ''), JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Json);
    }
    super(typesFromFiles(raw));
    addReverseLinkProperties(this);
    addCalculatedProperties(this);
  }

  /** Counts profile changes, so what is rendered from the profiles (`/profiles/`, its ETag) is rendered anew. */
  revision = 0;

  /**
   * An upstream deploy that changes a profile while the portal runs: `change` edits a copy, which
   * replaces the profile (validators compile it anew) and is served from the next request on.
   */
  changeProfile(name: string, change: (schema: Json) => void): void {
    const info = this.get(name);
    if (!info) throw new Error(`no ENCODE profile ${name}`);
    const schema = structuredClone(info.schema);
    change(schema);
    info.schema = schema;
    this.revision++;
  }
}
