import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import yaml from 'js-yaml';
import { resolveNodes, type JsonObject, type Sources } from './resolve';

/** The definition files gdcdictionary loads for `$ref`s but does not treat as nodes. */
export const DEFINITION_FILES = ['_definitions.yaml', '_terms.yaml', '_terms_enum.yaml'] as const;
export const METASCHEMA_FILE = 'metaschema.yaml';

/** A resolved dictionary: node schemas by type plus the auxiliary documents `_all` serves. */
export interface RawDictionary {
  nodes: Record<string, JsonObject>;
  /** `_definitions`, `_terms`, `_terms_enum`, `metaschema`, each only when the source had it. */
  extras: Record<string, JsonObject>;
}

const EXTRA_KEYS = ['_definitions', '_terms', '_terms_enum', 'metaschema'];

/** Reads a folder of node YAMLs (the gdcdictionary layout) or a `dictionary_all.json`-style file (gzipped or not). */
export function loadDictionary(location: string): RawDictionary {
  if (!fs.existsSync(location)) throw new Error(`GDC dictionary not found at ${location} (a dictionary_all.json-style file or a folder of node YAMLs)`);
  const stat = fs.statSync(location);
  return stat.isDirectory() ? loadYamlFolder(location) : loadResolvedJson(location);
}

export function loadYamlFolder(dir: string): RawDictionary {
  const sources: Sources = {};
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const doc = yaml.load(fs.readFileSync(path.join(dir, file), 'utf8'));
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) sources[file] = doc as JsonObject;
  }
  return resolveSources(sources);
}

/** Resolution over in-memory sources; split out so tests can feed hand-made files. */
export function resolveSources(sources: Sources): RawDictionary {
  const exclude = [METASCHEMA_FILE, ...DEFINITION_FILES];
  const nodes = resolveNodes(sources, exclude);
  const extras: Record<string, JsonObject> = {};
  // Like sheepdog's `_all`: the definition sources as resolution left them (mutated in place).
  for (const file of exclude) if (sources[file]) extras[file.replace(/\.yaml$/, '')] = sources[file];
  return { nodes, extras };
}

export function loadResolvedJson(file: string): RawDictionary {
  const bytes = fs.readFileSync(file);
  const text = (file.endsWith('.gz') ? zlib.gunzipSync(bytes) : bytes).toString('utf8');
  return splitAll(JSON.parse(text) as Record<string, JsonObject>);
}

/** `GET /_dictionary/_all` as it is served: node schemas and the definition documents side by side. */
export function splitAll(all: Record<string, JsonObject>): RawDictionary {
  const nodes: Record<string, JsonObject> = {};
  const extras: Record<string, JsonObject> = {};
  for (const [key, value] of Object.entries(all)) {
    if (EXTRA_KEYS.includes(key)) extras[key] = value;
    else nodes[key] = value;
  }
  return { nodes, extras };
}
