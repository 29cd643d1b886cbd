import { type HostileCase, postGraphql } from '../../support/hostile';

/**
 * Heavy requests for the embedded sandbox (issue 18, "Sandbox apart"): in the default mode (no
 * upstream URLs) the emulators run in a child process, so their work must not stall the gateway.
 * The gateway's own input limits are raised here so that what is measured is the sandbox's cost,
 * not a refusal before it is reached.
 */
const SANDBOX_MODE = {
  ENCODE_URL: '',
  GDC_URL: '',
  MAX_COLUMNS: '200000',
  MAX_REQUEST_BYTES: String(16 * 1024 * 1024),
  MAX_UPLOAD_BYTES: String(64 * 1024 * 1024),
};

/** Bounds the wide-document case should the emulator take too long over it: it reads and validates all 100,000 columns. */
export const WIDE_DEADLINE_MS = 120_000;

const CASE_COLUMNS = 'type\tsubmitter_id\tprojects.code\tdisease_type\tprimary_site';
const CASE_VALUES = (i: number) => `case\tHOSTILE-SANDBOX-${i}\tINTERNAL\tBlood Vessel Tumors\tBase of tongue`;

/** One case row with 100,000 columns: the five a case needs, then 99,995 the dictionary does not know (~1.3 MB). */
export function wideDocument(columns = 100_000): string {
  const extra = Array.from({ length: columns - 5 }, (_, i) => `c${String(i).padStart(9, '0')}`);
  return `${CASE_COLUMNS}\t${extra.join('\t')}\n${CASE_VALUES(0)}\t${extra.map(() => '1').join('\t')}\n`;
}

/** 20,000 valid case rows. */
export function longDocument(rows = 20_000): string {
  const lines = [CASE_COLUMNS];
  for (let i = 1; i <= rows; i++) lines.push(CASE_VALUES(i));
  return `${lines.join('\n')}\n`;
}

function dryRun(document: string): string {
  return JSON.stringify({
    query: `mutation($document: String!) {
      createEntities(input: { source: GDC, project: "GDC-INTERNAL", dryRun: true, document: $document }) {
        success dryRun createdCount errorCount message
      }
    }`,
    variables: { document },
  });
}

async function sandboxDryRun(graphqlUrl: string, document: string) {
  const outcome = await postGraphql(graphqlUrl, dryRun(document));
  const answer = JSON.parse(String(outcome.detail).replace(/…$/, '')) as { data?: { createEntities?: unknown }; errors?: { message: string }[] };
  return { ...outcome, detail: answer.data?.createEntities ?? answer.errors?.[0]?.message };
}

/** One small dry run along the same path: the gateway's modules for it loaded, its GDC pool open. */
const warmUp = (gw: { graphqlUrl: string }) => sandboxDryRun(gw.graphqlUrl, longDocument(1));

export const cases: HostileCase[] = [
  {
    name: 'sandbox: GDC TSV with 100k columns',
    warmUp,
    // MAX_COLUMNS raised to 200,000 (SANDBOX_MODE): the gateway counts the cells, checks the header,
    // finds the entity rows and uploads the document, all in pieces; the emulator, following the
    // same MAX_COLUMNS, reads it and refuses the case for its 99,995 unknown properties.
    env: { ...SANDBOX_MODE, UPSTREAM_TIMEOUT_MS: String(WIDE_DEADLINE_MS) },
    attack: (gw) => sandboxDryRun(gw.graphqlUrl, wideDocument()),
  },
  {
    name: 'sandbox: GDC dry run of 20k rows',
    warmUp,
    env: { ...SANDBOX_MODE, UPSTREAM_TIMEOUT_MS: '300000' },
    attack: (gw) => sandboxDryRun(gw.graphqlUrl, longDocument()),
  },
];
