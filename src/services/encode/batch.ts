import { prepareAliases } from '../../rules/encode/aliases';
import { identifierKind } from '../../rules/encode/identifiers';
import { linkProperties, mapLinks } from '../../rules/encode/links';
import type { Json, TypeInfo } from '../../rules/encode/profiles';
import type { PreparedRecord } from './prepare';
import { TimeSlices } from '../../time-slices';

export interface BatchLinks {
  /** For each record (by position), the records of the batch it links to. */
  dependsOn: number[][];
  /** Keys (aliases, `md5:`) claimed by an earlier record of the batch: key → position of the first. */
  duplicates: Map<number, { key: string; first: number }[]>;
}

/** Bare names (`bs-1`) and aliases with characters cleaning changes (`lab:run/1`). */
function needsCleaning(link: string): boolean {
  const kind = identifierKind(link);
  return kind === 'key' || (kind === 'alias' && /[/\\#]/.test(link));
}

/**
 * Records of one batch may link to each other by alias (a file's `paired_with`, a biosample's
 * `part_of`): such a record must wait for the one it names. A link written like a batch record's
 * alias was before cleaning and prefixing (`bs/1` for `lab:bs_1`) is rewritten to the final alias.
 */
export async function linkBatch(records: PreparedRecord[], info: TypeInfo, aliasLab: string | null, slices: TimeSlices = new TimeSlices()): Promise<BatchLinks> {
  const owner = new Map<string, number>();
  const duplicates = new Map<number, { key: string; first: number }[]>();
  records.forEach((p, i) => {
    for (const key of p.keys) {
      const first = owner.get(key);
      if (first === undefined) owner.set(key, i);
      else if (first !== i) duplicates.set(i, [...(duplicates.get(i) ?? []), { key, first }]);
    }
  });
  const linked = linkProperties(info.schema);
  // Each record's links mapped in turns of the event loop: 20,000 records held it ~200 ms in one piece.
  const dependsOn: number[][] = [];
  for (const [i, p] of records.entries()) {
    await slices.pause();
    const deps = new Set<number>();
    for (const key of linked) {
      if (p.record[key] === undefined) continue;
      p.record[key] = mapLinks(info.schema.properties[key], p.record[key], (link) => {
        let target = owner.get(link);
        let value = link;
        // Only a link that is not already a finished identifier may be an alias written before cleaning.
        if (target === undefined && needsCleaning(link)) {
          const [alias] = prepareAliases([link], aliasLab).aliases;
          if (alias !== undefined && owner.has(alias)) [target, value] = [owner.get(alias), alias];
        }
        if (target !== undefined && target !== i) deps.add(target);
        return value;
      });
    }
    dependsOn.push([...deps]);
  }
  return { dependsOn, duplicates };
}
