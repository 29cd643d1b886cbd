import { createHash } from 'node:crypto';
import path from 'node:path';
import { GDC_SANDBOX_TOKENS } from '../../../src/sandbox/gdc';
import { ok, startStack, SUBMISSION_RESULT, type Stack } from '../../support/stack';
import { CREATE, ENTITIES } from '../../support/gdc';
import { operationOnly, readExamples } from '../../support/readme-examples';

/**
 * The GDC project release workflow (gdcProjectState) and deleting a data file's bytes
 * (deleteFileBytes) through the gateway, against the sandbox on the real dictionary: what a
 * submitter did with curl before.
 */
const STATE = `mutation State($project: String!, $action: GdcProjectAction!, $dryRun: Boolean, $async: Boolean) {
  gdcProjectState(project: $project, action: $action, dryRun: $dryRun, async: $async) { ${SUBMISSION_RESULT} }
}`;
const DELETE_BYTES = `mutation DeleteBytes($project: String!, $id: ID!) {
  deleteFileBytes(project: $project, id: $id) { id success message fileState errors { type message keys } }
}`;
const UPLOAD = `mutation Upload($input: UploadFileInput!) { uploadFile(input: $input) { success message } }`;
const PROJECT = 'GDC-INTERNAL';
const BASE = '/v0/submission/GDC/INTERNAL';

const bytes = Buffer.from('clinical supplement, first version\n'.repeat(100));
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('GDC project release workflow and file byte deletion through the gateway', () => {
  let stack: Stack;
  let caseId: string;
  let fileId: string;

  const state = async (action: string, extra: Record<string, unknown> = {}) => ok(await stack.gql(STATE, { project: PROJECT, action, ...extra })).gdcProjectState;
  const deleteBytes = async (id: string, project = PROJECT) => ok(await stack.gql(DELETE_BYTES, { project, id })).deleteFileBytes;
  const entity = async (id: string) => ok(await stack.gql(ENTITIES, { project: PROJECT, ids: [id] })).gdcEntities[0].properties;
  const upload = async () =>
    ok(await stack.gqlFiles(UPLOAD, { input: { source: 'GDC', project: PROJECT, id: fileId, file: null } }, [{ path: 'variables.input.file', name: 'supplement.xml', content: bytes }])).uploadFile;
  const project = () => stack.sandbox.gdc!.emulator.service.requireProject('GDC', 'INTERNAL').props;
  const requests = () => stack.sandbox.gdc!.requests;

  beforeAll(async () => {
    stack = await startStack();
    const r = ok(
      await stack.gql(CREATE, {
        input: {
          source: 'GDC',
          project: PROJECT,
          entities: [
            { type: 'case', submitter_id: 'REL-CASE', disease_type: 'Blood Vessel Tumors', primary_site: 'Base of tongue', projects: { code: 'INTERNAL' } },
            {
              type: 'clinical_supplement',
              submitter_id: 'REL-CASE-supplement',
              file_name: 'supplement.xml',
              file_size: bytes.length,
              md5sum: md5(bytes),
              data_category: 'Clinical',
              data_format: 'BCR XML',
              data_type: 'Clinical Supplement',
              cases: [{ submitter_id: 'REL-CASE' }],
            },
          ],
        },
      }),
    ).createEntities;
    if (!r.success) throw new Error(JSON.stringify(r));
    [caseId, fileId] = r.entities.map((e: any) => e.id);
    expect(await upload()).toMatchObject({ success: true });
  }, 60_000);
  afterAll(() => stack.stop());

  describe('deleteFileBytes', () => {
    it("deletes the uploaded bytes with the files endpoint's DELETE; the entity stays, file_state back to registered", async () => {
      expect(await entity(fileId)).toMatchObject({ file_state: 'uploaded' });
      expect(stack.sandbox.gdc!.emulator.files.stored(fileId)?.md5).toBe(md5(bytes));
      requests().reset();
      const r = await deleteBytes(fileId);
      expect(r).toEqual({
        id: fileId,
        success: true,
        message: `Deleted the bytes of clinical_supplement ${fileId} (file_state was uploaded, now registered).`,
        fileState: 'registered',
        errors: [],
      });
      expect(requests().count({ method: 'DELETE', pathPrefix: `${BASE}/files/${fileId}` })).toBe(1);
      expect(stack.sandbox.gdc!.emulator.files.stored(fileId)).toBeUndefined();
      expect(await entity(fileId)).toMatchObject({ file_state: 'registered', md5sum: md5(bytes) });
      // The bytes can go up again.
      expect(await upload()).toMatchObject({ success: true });
      expect(await entity(fileId)).toMatchObject({ file_state: 'uploaded' });
    });

    it('names an id that is not a data file, or not in the project, before asking the files endpoint', async () => {
      requests().reset();
      const notAFile = await deleteBytes(caseId);
      expect(notAFile).toMatchObject({ success: false, fileState: null, errors: [{ type: 'INVALID_TYPE', keys: ['type'], message: `case ${caseId} is not a data file: it has no bytes to delete` }] });
      const missing = '11111111-2222-4333-8444-555555555555';
      const nothing = await deleteBytes(missing);
      expect(nothing).toMatchObject({ success: false, errors: [{ type: 'NOT_FOUND', keys: ['id'], message: `GDC has no entity ${missing} in ${PROJECT}` }] });
      expect(requests().count({ method: 'DELETE', pathPrefix: `${BASE}/files/` })).toBe(0);
      const badProject = await stack.gql(DELETE_BYTES, { project: 'not a project', id: fileId });
      expect(badProject.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });

    it("is refused for a caller whose token may only read, with GDC's status", async () => {
      const r = await stack.gql(DELETE_BYTES, { project: PROJECT, id: fileId }, { 'x-auth-token': GDC_SANDBOX_TOKENS.readonly });
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', upstream: 'GDC', upstreamStatus: 403 });
      expect(stack.sandbox.gdc!.emulator.files.stored(fileId)?.md5).toBe(md5(bytes));
    });
  });

  describe('gdcProjectState', () => {
    it('REVIEW locks the project (one PUT to /review); uploads are then refused with the reason', async () => {
      requests().reset();
      const r = await state('REVIEW');
      expect(r).toMatchObject({ source: 'GDC', success: true, dryRun: false, upstreamStatus: 200, message: "Successfully transitioned project state to 'review'", errorCount: 0 });
      expect(typeof r.transactionId).toBe('number');
      expect(requests().entries.map((e) => `${e.method} ${e.path}`)).toEqual([`PUT ${BASE}/review`]);
      expect(project().state).toBe('review');
      const refused = ok(await stack.gql(CREATE, { input: { source: 'GDC', project: PROJECT, entities: [{ type: 'case', submitter_id: 'REL-LATE', projects: { code: 'INTERNAL' } }] } })).createEntities;
      expect(refused.success).toBe(false);
      expect(refused.message).toMatch(/Project is in state 'review'/);
    });

    it('a step the state does not allow is success: false with GDC\'s reason; a dry run moves nothing', async () => {
      const release = await state('RELEASE');
      expect(release).toMatchObject({ success: false, transactionalErrors: ['Project is not releasable. Project must be submitted at least once first.'] });
      const dry = await state('OPEN', { dryRun: true });
      expect(dry).toMatchObject({ success: true, dryRun: true, message: "Dry run successful. Would have successfully transitioned project state to 'open'" });
      expect(project().state).toBe('review');
      const reviewAgain = await state('REVIEW');
      expect(reviewAgain).toMatchObject({ success: false, upstreamStatus: 400 });
      expect(reviewAgain.message).toBe(
        `Project is in state 'review', which prevents ${BASE}/review. In order to perform this action, the project must be in state <open>.`,
      );
    });

    it('SUBMIT (from review) lists the entities it submitted; RELEASE releases them once', async () => {
      const submitted = await state('SUBMIT');
      expect(submitted).toMatchObject({ success: true, message: 'Successfully submitted 2 entities.' });
      expect(submitted.entities.map((e: any) => [e.action, e.type, e.id]).sort()).toEqual([
        ['submit', 'case', caseId],
        ['submit', 'clinical_supplement', fileId],
      ]);
      expect(await entity(caseId)).toMatchObject({ state: 'submitted' });

      expect(await state('RELEASE')).toMatchObject({ success: true, message: 'Successfully released project' });
      expect(project().released).toBe(true);
      expect(await entity(fileId)).toMatchObject({ state: 'released' });
      const again = await state('RELEASE');
      expect(again).toMatchObject({ success: false, transactionalErrors: ['Project is already released.'] });
    });

    it('OPEN with async: GDC answers at once with the transaction id, its outcome on the transaction log', async () => {
      const r = await state('OPEN', { async: true });
      expect(r).toMatchObject({ success: true, message: 'Transaction submitted.' });
      const log = await stack.gql(`query T($id: Int!) { gdcTransaction(project: "${PROJECT}", id: $id) { id state } }`, { id: r.transactionId });
      expect(ok(log).gdcTransaction).toMatchObject({ id: r.transactionId });
      for (let i = 0; i < 50 && project().state !== 'open'; i++) await new Promise((done) => setTimeout(done, 20));
      expect(project().state).toBe('open');
    });

    it('a lost answer is not sent again: the step landed, and the caller is told where to look', async () => {
      stack.sandbox.gdc!.emulator.faults.set([{ method: 'PUT', path: '/review$', dropResponse: true, times: 1 }]);
      try {
        const logs = stack.sandbox.gdc!.emulator.service.logs;
        const before = logs.all().length;
        const r = await state('REVIEW');
        expect(r).toMatchObject({ success: false, errorCount: 1 });
        expect(r.message).toMatch(/^GDC answer to review of GDC-INTERNAL was lost \(.+\): whether the project moved to 'review' is unknown\. The project's newest transaction \(gdcTransactions\) says/);
        // One transaction, not a second review (which GDC would refuse, the project being in review).
        expect(logs.all().length).toBe(before + 1);
        expect(project().state).toBe('review');
      } finally {
        stack.sandbox.gdc!.emulator.faults.clear();
      }
      expect(await state('OPEN')).toMatchObject({ success: true, message: "Successfully transitioned project state to 'open'" });
    });

    it('needs a token with the release role: FORBIDDEN with GDC\'s status', async () => {
      const r = await stack.gql(STATE, { project: PROJECT, action: 'REVIEW' }, { 'x-auth-token': GDC_SANDBOX_TOKENS.readonly });
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', upstream: 'GDC', upstreamStatus: 403 });
      expect(project().state).toBe('open');
    });
  });

  it("the README's release workflow block succeeds at every step, in order, on TCGA-CHOL", async () => {
    const steps = readExamples(path.join(__dirname, '../../../README.md')).filter((e) => e.operationName?.startsWith('Release'));
    expect(steps.map((e) => e.operationName)).toEqual(['ReleaseRegisterCase', 'ReleaseReview', 'ReleaseSubmitCheck', 'ReleaseSubmit', 'ReleaseRelease', 'ReleaseReopen']);
    const answers = [];
    for (const step of steps) {
      const data = ok(await stack.gql(operationOnly(step)));
      answers.push(Object.values(data)[0] as { success: boolean; message: string });
    }
    expect(answers.map((a) => [a.success, a.message])).toEqual([
      [true, 'Transaction successful.'],
      [true, "Successfully transitioned project state to 'review'"],
      [true, 'Dry run successful. Would have submitted 1 entities.'],
      [true, 'Successfully submitted 1 entities.'],
      [true, 'Successfully released project'],
      [true, "Successfully transitioned project state to 'open'"],
    ]);
  });
});
