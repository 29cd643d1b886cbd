import { aliquotDoc, analyteDoc, caseDoc, diagnosisDoc, GdcGraphqlFixture, portionDoc, readGroupDoc, sampleDoc, unalignedReadsDoc } from './fixture';

// The GDC Submission API guide's GraphQL examples ("Querying Submitted Data Using GraphQL"), run on the
// same data the guide's answers show, created through the sandbox's REST endpoints. Ids are the guide's.

// "A simple GraphQL query": the 20 TCGA-ALCH cases, in the order the guide's answer lists them.
const ALCH_CASES: [string, string][] = [
  ['700d1110-b6b4-4251-89d4-fa6f0698e3f8', 'TCGA-ALCH-000004'],
  ['be01357d-7348-40b4-a997-8a61ae7af17d', 'TCGA-ALCH-000005'],
  ['e5638697-6ef3-4bf8-a373-102519093f33', 'TCGA-ALCH-000008'],
  ['4871d41a-680e-4fd0-901c-b06f06ecae33', 'TCGA-ALCH-000007'],
  ['2f18c2c1-bff2-43b6-9702-e138c72d8c6b', 'TCGA-ALCH-000009'],
  ['ec83e038-4f01-47a6-bc69-47fb297d0282', 'TCGA-ALCH-000006'],
  ['e4642952-d259-4be1-9c53-ed95aa1fc50b', 'TCGA-ALCH-000011'],
  ['8bcaf0b3-21d0-45c6-87ee-c997efb417dc', 'TCGA-ALCH-000010'],
  ['83de027e-bcbf-4239-975b-7e8ced82448e', 'TCGA-ALCH-000013'],
  ['bbd91cc1-06e2-4e60-8b93-e09c3b16f00c', 'TCGA-ALCH-000014'],
  ['574fd163-4368-440c-9548-d76a0fbc9056', 'TCGA-ALCH-000015'],
  ['47c92cdd-ff11-4c25-b0f0-0f7671144271', 'TCGA-ALCH-000016'],
  ['9f13caab-1fda-4b2a-b500-f79dc978c6c1', 'TCGA-ALCH-000017'],
  ['9418f194-8741-44db-bd8f-36f4fd8c3bf2', 'TCGA-ALCH-000018'],
  ['6fb2a018-c5f3-45e5-81d3-e58e7e4bf921', 'TCGA-ALCH-000019'],
  ['70236972-e796-414a-9b7a-3b29b849ba7c', 'TCGA-ALCH-000020'],
  ['6f78e86f-9e31-4af5-a0d9-b8970ece476d', 'TCGA-ALCH-000021'],
  ['c6fcb2f0-c6bb-4b40-a761-bae3e63869cb', 'TCGA-ALCH-000002'],
  ['67782964-0065-491d-b051-2ae404bb734d', 'TCGA-ALCH-000001'],
  ['b45d2891-ba81-4ecc-a250-c58060934227', 'TCGA-ALCH-000012'],
];

describe('submission GraphQL: the GDC guide examples (real dictionary)', () => {
  let gdc: GdcGraphqlFixture;

  beforeAll(async () => {
    gdc = await GdcGraphqlFixture.start();
    // TCGA-LUAD: the biospecimen tree's case first (it has a diagnosis), then five cases without one.
    await gdc.submit('TCGA-LUAD', [
      caseDoc('LUAD', 'TCGA-05-4244', { id: '19ca36e6-2154-4224-89b1-117a4a4407f6' }),
      caseDoc('LUAD', 'TCGA-17-Z050'),
      ...['TCGA-17-Z051', 'TCGA-17-Z052', 'TCGA-17-Z053', 'TCGA-17-Z054'].map((s) => caseDoc('LUAD', s)),
      diagnosisDoc('TCGA-05-4244-diagnosis', 'TCGA-05-4244'),
    ]);
    await gdc.submit('TCGA-LUAD', [
      sampleDoc('TCGA-05-4244-01A', 'TCGA-05-4244', { id: '5e2625d2-290d-48cd-af5c-27dc8e3c8b6a' }),
      sampleDoc('TCGA-05-4244-10A', 'TCGA-05-4244'),
      { ...portionDoc('TCGA-62-A471-10A-01', 'TCGA-05-4244-01A', false), id: '26b75643-8fcd-445e-a0e0-9868cac589ea' },
      portionDoc('TCGA-05-4244-01A-02', 'TCGA-05-4244-01A', true),
      { ...analyteDoc('TCGA-05-4244-01A-01D', 'TCGA-62-A471-10A-01'), id: '6449533c-e52a-4e58-bae7-0732f48153ef' },
      analyteDoc('TCGA-05-4244-01A-01R', 'TCGA-62-A471-10A-01'),
      aliquotDoc('TCGA-05-4244-01A-01D-A1', 'TCGA-05-4244-01A-01D', { id: '8e1820d5-dcd8-4760-9962-221e2b71d4b9' }),
      aliquotDoc('TCGA-05-4244-01A-01D-A2', 'TCGA-05-4244-01A-01D'),
    ]);
    // TCGA-ALCH: the twenty cases; case 000001 carries one aliquot, case 000002 another.
    await gdc.submit('TCGA-ALCH', ALCH_CASES.map(([id, submitterId]) => caseDoc('ALCH', submitterId, { id })));
    await gdc.submit('TCGA-ALCH', [
      sampleDoc('TCGA-ALCH-000001-01A', 'TCGA-ALCH-000001'),
      portionDoc('TCGA-67-6217-01A-13-2191-20', 'TCGA-ALCH-000001-01A', false),
      analyteDoc('TCGA-ALCH-000001-01A-13D', 'TCGA-67-6217-01A-13-2191-20'),
      aliquotDoc('TCGA-ALCH-000001-01A-13D-A', 'TCGA-ALCH-000001-01A-13D', { id: '7af58da0-cb3e-43e2-a074-4bd8f27565ba' }),
      sampleDoc('TCGA-ALCH-000002-01A', 'TCGA-ALCH-000002'),
      { type: 'aliquot', submitter_id: 'TCGA-ALCH-000002-01A-A', samples: { submitter_id: 'TCGA-ALCH-000002-01A' } },
    ]);
    // GDC-INTERNAL: the file of "Example: File UUID", above its read group, aliquot, sample and case.
    await gdc.submit('GDC-INTERNAL', [
      caseDoc('INTERNAL', 'Blood-00001'),
      sampleDoc('Blood-00001-sample', 'Blood-00001'),
      { type: 'aliquot', submitter_id: 'Blood-00001-aliquot', samples: { submitter_id: 'Blood-00001-sample' } },
      readGroupDoc('Blood-00001-aliquot_lane1', 'Blood-00001-aliquot'),
      unalignedReadsDoc('Blood-00001-aliquot_lane1_barcode23.fastq', 'dummy.fastq', 'Blood-00001-aliquot_lane1', {
        id: '616eab2f-791a-4641-8cd6-ee195a10a201',
      }),
    ]);
  });
  afterAll(() => gdc.stop());

  it('case + _case_count: every TCGA-ALCH case with first: 0, and the count, exactly as the guide answers', async () => {
    // The guide's own request body: the query escaped and wrapped, "variables": null.
    const query = '{\n\tcase (project_id: "TCGA-ALCH", first: 0) {\n\t\tid\n\t\tsubmitter_id\n\n\t}\n\t_case_count (project_id: "TCGA-ALCH")\n}';
    const reply = await gdc.call('POST', '/v0/submission/graphql', { query, variables: null });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      data: { _case_count: 20, case: ALCH_CASES.map(([id, submitter_id]) => ({ id, submitter_id })) },
    });
    // Keys come sorted, as GDC's JSON does: `_case_count` before `case`.
    expect(Object.keys(reply.json.data)).toEqual(['_case_count', 'case']);
  });

  it('without first, ten cases: the default page', async () => {
    const data = await gdc.data('{ case(project_id: "TCGA-ALCH") { submitter_id } }');
    expect(data.case.map((c: any) => c.submitter_id)).toEqual(ALCH_CASES.slice(0, 10).map(([, s]) => s));
  });

  it('File UUID: a submitted_unaligned_reads found by submitter_id', async () => {
    const reply = await gdc.call('POST', '/v0/submission/graphql', {
      query:
        '{\n \n  submitted_unaligned_reads (project_id: "GDC-INTERNAL", submitter_id: "Blood-00001-aliquot_lane1_barcode23.fastq") {\n    id\n    submitter_id\n    file_name\n    project_id\n}\n}',
      variables: null,
    });
    expect(reply).toEqual({
      status: 200,
      json: {
        data: {
          submitted_unaligned_reads: [
            {
              file_name: 'dummy.fastq',
              id: '616eab2f-791a-4641-8cd6-ee195a10a201',
              project_id: 'GDC-INTERNAL',
              submitter_id: 'Blood-00001-aliquot_lane1_barcode23.fastq',
            },
          ],
        },
      },
    });
  });

  it('Case Without Diagnosis: the first TCGA-LUAD case with no diagnoses link', async () => {
    const data = await gdc.data('{\n  case (project_id: "TCGA-LUAD", without_links: ["diagnoses"], first: 1) {\n      submitter_id\n  }\n}');
    expect(data).toEqual({ case: [{ submitter_id: 'TCGA-17-Z050' }] });
  });

  it('Number of Cases Without Diagnosis: 5', async () => {
    expect(await gdc.data('{\n  _case_count (project_id: "TCGA-LUAD", without_links: ["diagnoses"])\n}')).toEqual({ _case_count: 5 });
    // …and the one case that has a diagnosis is what with_links finds.
    expect(await gdc.data('{ case(project_id: "TCGA-LUAD", with_links: ["diagnoses"]) { submitter_id } }')).toEqual({ case: [{ submitter_id: 'TCGA-05-4244' }] });
  });

  it('Aliquot State: aliquots with a path to case TCGA-ALCH-000001 (the answer shows `state`)', async () => {
    const data = await gdc.data('{\n  aliquot(with_path_to: {type: "case", submitter_id:"TCGA-ALCH-000001"}) {\n    id state\n  }\n}');
    expect(data).toEqual({ aliquot: [{ id: '7af58da0-cb3e-43e2-a074-4bd8f27565ba', state: 'validated' }] });
  });

  it('Aliquot State as the guide spells the query: release_state is not an aliquot property in dictionary 3.0.3', async () => {
    const reply = await gdc.gql('{ aliquot(with_path_to: {type: "case", submitter_id:"TCGA-ALCH-000001"}) { id release_state } }');
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ data: null, errors: ['Cannot query field "release_state" on type "aliquot".'] });
  });

  it('Aliases: a fragment on portion, two aliased root fields', async () => {
    const query = `{
  some_portion: portion (first: 1) {
    ...portionProperties
  }
  specific_portion: portion(submitter_id: "TCGA-67-6217-01A-13-2191-20") {
    ...portionProperties
  }
}

fragment portionProperties on portion {
  submitter_id
  is_ffpe
}`;
    expect(await gdc.data(query)).toEqual({
      some_portion: [{ is_ffpe: false, submitter_id: 'TCGA-62-A471-10A-01' }],
      specific_portion: [{ is_ffpe: false, submitter_id: 'TCGA-67-6217-01A-13-2191-20' }],
    });
  });

  it('Biospecimen Tree: case → samples → portions → analytes → aliquots, first: 1 at each level', async () => {
    const query = `{
  case(project_id: "TCGA-LUAD", first: 1) {
    id
    samples(first: 1) {
      id
      portions(first: 1) {
        id
        analytes(first: 1) {
          id
          aliquots(first: 1) {
            id
          }
        }
      }
    }
  }
}`;
    const reply = await gdc.gql(query);
    expect(reply.status).toBe(200);
    expect(JSON.stringify(reply.json)).toBe(
      JSON.stringify({
        data: {
          case: [
            {
              id: '19ca36e6-2154-4224-89b1-117a4a4407f6',
              samples: [
                {
                  id: '5e2625d2-290d-48cd-af5c-27dc8e3c8b6a',
                  portions: [
                    {
                      analytes: [{ aliquots: [{ id: '8e1820d5-dcd8-4760-9962-221e2b71d4b9' }], id: '6449533c-e52a-4e58-bae7-0732f48153ef' }],
                      id: '26b75643-8fcd-445e-a0e0-9868cac589ea',
                    },
                  ],
                },
              ],
            },
          ],
        },
      }),
    );
  });

  it('the asynchronous transaction looked up by id: is_dry_run, committed_by, state', async () => {
    const body = caseDoc('INTERNAL', 'GDC-INTERNAL-000093', { primary_site: 'Base of tongue' });
    await gdc.submit('GDC-INTERNAL', body);
    // The guide's example failed; posting the same case again fails the same way (it exists already).
    const queued = await gdc.call('POST', '/v0/submission/GDC/INTERNAL?async=true', body);
    expect(queued.json).toEqual({ code: 200, message: 'Transaction submitted.', transaction_id: expect.any(Number) });
    const query = `query {\n  transaction_log(id: ${queued.json.transaction_id}) {\n    is_dry_run\n    committed_by\n    state\n  }\n}`;
    let data = await gdc.data(query);
    for (let i = 0; i < 50 && data.transaction_log[0].state === 'PENDING'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      data = await gdc.data(query);
    }
    expect(data).toEqual({ transaction_log: [{ committed_by: null, is_dry_run: false, state: 'FAILED' }] });
  });
});
