/** Setup shared by the federation tests and bench: records to ask for by representation. */

type Gql = (query: string, variables?: Record<string, unknown>) => Promise<{ data: any; errors?: unknown[] }>;

const LAB = { award: 'UM1HG000000', lab: 'sandbox-lab' };

/** `count` biosamples of the starter seed's lab, made through the typed mutation: their uuids and accessions. */
export async function createBiosamples(gql: Gql, count: number, tag: string): Promise<{ id: string; accession: string }[]> {
  const records = Array.from({ length: count }, (_, i) => ({ ...LAB, organism: 'human', source: 'atcc', biosample_ontology: 'cell_line_EFO_0001203', aliases: [`sandbox-lab:${tag}-${i}`] }));
  const res = await gql(`mutation($r: [EncodeBiosampleInput!]!) { createEncodeBiosamples(records: $r) { success entities { id accession errors { message } } } }`, { r: records });
  const result = res.data?.createEncodeBiosamples;
  if (!result?.success) throw new Error(`setup: biosamples not created: ${JSON.stringify(res.errors ?? result)}`);
  return result.entities.map((e: { id: string; accession: string }) => ({ id: e.id, accession: e.accession }));
}

/** A case, a sample and `count` aliquots in a project, through createEntities; the aliquots' submitter ids. */
export async function createAliquots(gql: Gql, project: string, count: number): Promise<string[]> {
  const code = project.slice(project.indexOf('-') + 1);
  const caseId = `${project}-fed-case`;
  const sampleId = `${caseId}-sample`;
  const aliquots = Array.from({ length: count }, (_, i) => `${sampleId}-aliquot-${i}`);
  const entities = [
    { type: 'case', project_id: project, submitter_id: caseId, disease_type: 'Blood Vessel Tumors', primary_site: 'Base of tongue', projects: { code } },
    { type: 'sample', submitter_id: sampleId, tissue_type: 'Tumor', preservation_method: 'Fresh', specimen_type: 'Whole Bone Marrow', tumor_descriptor: 'Primary', cases: { submitter_id: caseId } },
    ...aliquots.map((submitter_id) => ({ type: 'aliquot', submitter_id, samples: { submitter_id: sampleId } })),
  ];
  const res = await gql(`mutation($p: String, $e: [JSON!]) { createEntities(input: { source: GDC, project: $p, entities: $e }) { success entities { errors { message } } } }`, { p: project, e: entities });
  if (!res.data?.createEntities?.success) throw new Error(`setup: GDC entities not created: ${JSON.stringify(res.errors ?? res.data?.createEntities)}`);
  return aliquots;
}
