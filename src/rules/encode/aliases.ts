import { isUuid, splitPath } from './identifiers';

/**
 * Aliases as encode_utils prepares them (clean_aliases, add_alias_prefix), with what it gets wrong
 * fixed: order kept (it sorts a set), trimmed, and an alias without a prefix takes the record's lab.
 */

/** `/` and `\` become `_`, `#` is dropped: characters the portal's alias pattern refuses. */
export function cleanAlias(alias: string): string {
  return alias.trim().replace(/[/\\]/g, '_').replace(/#/g, '');
}

/** The lab's name from what a record gives (`michael-snyder`, `/labs/michael-snyder/`); null for a uuid. */
export function labName(lab: string): string | null {
  const path = lab.startsWith('/') ? splitPath(lab) : null;
  const name = path ? path[1] : lab.replace(/\/+$/, '');
  if (!name || isUuid(name) || name.includes(':')) return null;
  return name;
}

export interface PreparedAliases {
  aliases: string[];
  /** Aliases that needed a lab prefix when no lab was known. */
  unprefixed: string[];
}

/** Cleaned, prefixed with `<lab>:` where they have no prefix, duplicates dropped, order kept. */
export function prepareAliases(aliases: readonly string[], lab: string | null): PreparedAliases {
  const out: string[] = [];
  const unprefixed: string[] = [];
  for (const raw of aliases) {
    const clean = cleanAlias(raw);
    if (!clean) continue;
    let alias = clean;
    if (!clean.includes(':')) {
      if (!lab) {
        unprefixed.push(clean);
        continue;
      }
      alias = `${lab}:${clean}`;
    }
    if (!out.includes(alias)) out.push(alias);
  }
  return { aliases: out, unprefixed };
}
