/**
 * A GDC submission document for job figures (bench/jobs.ts, test/measure/job-latency.test.ts):
 * `cases` cases and a sample for each, as TSV with the samples first in the file, so a job sends
 * it parents first in two passes over the spool (the work a wrangler's unsorted manifest causes).
 */
const HEADER = 'type\tsubmitter_id\tprojects.code\tdisease_type\tprimary_site\tcases.submitter_id\ttissue_type\tpreservation_method\tspecimen_type\ttumor_descriptor';
const caseRow = (id: string) => `case\t${id}\tINTERNAL\tBlood Vessel Tumors\tBase of tongue\t\t\t\t\t`;
const sampleRow = (id: string, c: string) => `sample\t${id}\t\t\t\t${c}\tTumor\tFresh\tWhole Bone Marrow\tPrimary`;

export function casesAndSamplesTsv(prefix: string, cases: number): Buffer {
  const caseRows: string[] = [];
  const samples: string[] = [];
  for (let i = 0; i < cases; i++) {
    caseRows.push(caseRow(`${prefix}-C${i}`));
    samples.push(sampleRow(`${prefix}-S${i}`, `${prefix}-C${i}`));
  }
  return Buffer.from([HEADER, ...samples, ...caseRows].join('\n'));
}
