import fs from 'node:fs';
import { Kind, parse, print, type DocumentNode } from 'graphql';

/**
 * The runnable examples of a Markdown file: every ```graphql block (one example per operation, in
 * the block's order, each carrying the whole block as its document, as GraphiQL and curl send it)
 * and every ```sh block that calls `curl` (the whole block, as one script: it may set variables,
 * write files, span lines). An HTML comment right before a block may say
 * `<!-- example: skip (why) -->` (not runnable here) or name the sandbox it needs with
 * environment assignments, e.g. `<!-- example: SANDBOX_SCHEMAS=real -->`.
 */
export interface Example {
  kind: 'graphql' | 'sh';
  /** 1-based line of the block's opening fence. */
  line: number;
  /** The GraphQL block or the shell block, as written. */
  text: string;
  operationName?: string;
  /** The operation's variables (`$name`; required: non-null without a default), which the reader takes from an earlier answer of the block. */
  variables?: { name: string; required: boolean }[];
  /** Environment the gateway needs for it (from the marker); {} for the default sandbox. */
  env: Record<string, string>;
}

const FENCE = /^```(\w*)\s*$/;
const MARKER = /^<!--\s*example:\s*(.*?)\s*-->\s*$/;

export function readExamples(file: string): Example[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const examples: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    const lang = open[1];
    if (lang !== 'graphql' && lang !== 'sh') continue;
    const marker = markerBefore(lines, start);
    if (marker !== null && /^skip\b/.test(marker)) continue;
    const env = Object.fromEntries([...(marker ?? '').matchAll(/\b([A-Z][A-Z0-9_]*)=(\S+)/g)].map((m) => [m[1], m[2]]));
    if (lang === 'graphql') examples.push(...graphqlExamples(body.join('\n'), start + 1, env));
    else if (body.some((l) => /(^|[\s;&|(])curl\s/.test(l))) examples.push({ kind: 'sh', line: start + 1, text: body.join('\n'), env });
  }
  return examples;
}

function markerBefore(lines: string[], fence: number): string | null {
  for (let j = fence - 1; j >= 0 && j >= fence - 3; j--) {
    if (!lines[j].trim()) continue;
    return MARKER.exec(lines[j].trim())?.[1] ?? null;
  }
  return null;
}

function graphqlExamples(source: string, line: number, env: Record<string, string>): Example[] {
  const doc: DocumentNode = parse(source);
  const operations = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  return operations.map((op) => ({
    kind: 'graphql' as const,
    line,
    text: source,
    operationName: op.name?.value,
    variables: (op.variableDefinitions ?? []).map((v) => ({ name: v.variable.name.value, required: v.type.kind === Kind.NON_NULL_TYPE && !v.defaultValue })),
    env,
  }));
}

/** The example's operation alone (with the block's fragments), for a client that sends no operationName. */
export function operationOnly(example: Example): string {
  const doc = parse(example.text);
  const keep = doc.definitions.filter(
    (d) => d.kind === Kind.FRAGMENT_DEFINITION || (d.kind === Kind.OPERATION_DEFINITION && d.name?.value === example.operationName),
  );
  return print({ kind: Kind.DOCUMENT, definitions: keep });
}
