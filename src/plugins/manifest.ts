/**
 * Writes a persisted-query manifest (`apollo-persisted-query-manifest`, what Apollo's generator
 * and Relay's compiler emit and TRUSTED_DOCUMENTS reads) from .graphql files: one entry per
 * operation, with the fragments it spreads. The body is printed as Apollo Client sends it
 * (`print` of the document with `__typename` added to every selection set below the root, as
 * its cache does), so a client's default APQ hash is the entry's id and its body matches exactly.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
  type SelectionSetNode,
  visit,
} from 'graphql';
import { MANIFEST_FORMAT, type ManifestOperation, type PersistedQueryManifest, sha256Hex } from './trusted-documents';

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

/** Apollo Client's addTypenameToDocument: `__typename` last in every selection set but an operation's root. */
export function addTypename(doc: DocumentNode): DocumentNode {
  return visit(doc, {
    SelectionSet: {
      leave(node: SelectionSetNode, _key, parent) {
        if (parent && !Array.isArray(parent) && (parent as { kind?: string }).kind === Kind.OPERATION_DEFINITION) return undefined;
        const has = node.selections.some((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
        return has ? undefined : { ...node, selections: [...node.selections, TYPENAME] };
      },
    },
  });
}

function spreadNames(def: DefinitionNode): Set<string> {
  const names = new Set<string>();
  visit(def, { FragmentSpread: (node) => void names.add(node.name.value) });
  return names;
}

/** The operation and every fragment it needs, transitively, in the order the files define them. */
function operationDocument(op: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): DocumentNode {
  const needed = new Set<string>();
  const queue = [...spreadNames(op)];
  while (queue.length) {
    const name = queue.shift()!;
    if (needed.has(name)) continue;
    const fragment = fragments.get(name);
    if (!fragment) throw new Error(`operation ${op.name?.value ?? '(anonymous)'} spreads fragment ${name}, which no file defines`);
    needed.add(name);
    queue.push(...spreadNames(fragment));
  }
  return { kind: Kind.DOCUMENT, definitions: [op, ...[...fragments.values()].filter((f) => needed.has(f.name.value))] };
}

function graphqlFiles(folder: string): string[] {
  return fs
    .readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(graphql|gql)$/.test(e.name))
    // parentPath from Node 20.12; path before it (the engines allow 20.11).
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
}

export interface ManifestOptions {
  /** Add `__typename` as Apollo Client does (default true). */
  typename?: boolean;
  /**
   * How the client prints an operation's document (default graphql-js `print`, as Apollo Client
   * does): a client that prints otherwise (urql joins definitions with one newline) hashes and
   * sends another text, which the manifest must hold instead.
   */
  print?: (doc: DocumentNode) => string;
}

export function buildManifest(folder: string, options: ManifestOptions = {}): PersistedQueryManifest {
  const operations: OperationDefinitionNode[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const file of graphqlFiles(folder)) {
    let doc: DocumentNode;
    try {
      doc = parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message}`);
    }
    for (const def of doc.definitions) {
      if (def.kind === Kind.OPERATION_DEFINITION) {
        if (!def.name) throw new Error(`${file}: every operation needs a name (the manifest lists operations by name)`);
        operations.push(def);
      } else if (def.kind === Kind.FRAGMENT_DEFINITION) {
        if (fragments.has(def.name.value)) throw new Error(`${file}: fragment ${def.name.value} is defined twice`);
        fragments.set(def.name.value, def);
      }
    }
  }
  const seen = new Set<string>();
  const entries: ManifestOperation[] = operations.map((op) => {
    const name = op.name!.value;
    if (seen.has(name)) throw new Error(`operation ${name} is defined twice`);
    seen.add(name);
    let doc = operationDocument(op, fragments);
    if (options.typename !== false) doc = addTypename(doc);
    const body = (options.print ?? print)(doc);
    return { id: sha256Hex(body), name, type: op.operation, body };
  });
  return { format: MANIFEST_FORMAT, version: 1, operations: entries };
}
