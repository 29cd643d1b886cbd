import { createHash } from 'node:crypto';
import { ok, startStack, type Stack } from '../../support/stack';
import { CREATE, docs, gqlWithStream, readGroupChain } from '../../support/gdc';

const UPLOAD = `mutation U($input: UploadFileInput!) { uploadFile(input: $input) { success message bytes } }`;

/** MAX_CONCURRENT_UPLOADS over HTTP: the uploads under way in the process, not per request. */
describe('data file uploads at once (MAX_CONCURRENT_UPLOADS=1)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(undefined, { uploads: { maxConcurrent: 1 } });
    const r = ok(
      await stack.gql(CREATE, {
        input: { source: 'GDC', project: 'GDC-INTERNAL', entities: readGroupChain('SL') },
      }),
    ).createEntities;
    if (!r.success) throw new Error(JSON.stringify(r));
  });
  afterAll(() => stack.stop());

  const bytes = Buffer.from('@read\nACGT\n+\nIIII\n');
  async function register(n: number): Promise<string> {
    const md5 = createHash('md5').update(bytes).digest('hex');
    const r = ok(
      await stack.gql(CREATE, { input: { source: 'GDC', project: 'GDC-INTERNAL', entities: [docs.unalignedReads(`SL-FILE-${n}`, 'SL-RG', { name: `r${n}.fq`, size: bytes.length, md5 })] } }),
    ).createEntities;
    if (!r.success) throw new Error(JSON.stringify(r));
    return r.entities[0].id;
  }
  const upload = (id: string, source: AsyncIterable<Buffer>) =>
    gqlWithStream(stack.gateway.graphqlUrl, UPLOAD, { input: { source: 'GDC', id, project: 'GDC-INTERNAL', file: null } }, 'variables.input.file', 'r.fq', source);

  it('refuses an upload while another is under way, naming the limit, and takes it once that one has finished', async () => {
    const [first, second] = [await register(1), await register(2)];
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    // The rest of the first file's bytes wait at the gate: its upload holds the only slot meanwhile.
    const held = upload(first, (async function* () {
      yield bytes.subarray(0, 8);
      await gate;
      yield bytes.subarray(8);
    })());
    // It has the slot once it looks its entity up in GDC.
    const lookups = () => stack.sandbox.gdc!.requests.count();
    const before = lookups();
    for (const end = Date.now() + 10_000; lookups() === before; ) {
      if (Date.now() > end) throw new Error('the first upload never started');
      await new Promise((r) => setTimeout(r, 20));
    }

    const refused = await upload(second, (async function* () {
      yield bytes;
    })());
    expect(refused.data).toBeNull();
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors![0].message).toBe(
      '1 data file upload(s) are under way, as many as this gateway takes at once; send this one again when one has finished (MAX_CONCURRENT_UPLOADS=1)',
    );
    expect(refused.errors![0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_CONCURRENT_UPLOADS', max: 1 });

    open();
    expect((await held).data.uploadFile).toMatchObject({ success: true, bytes: bytes.length });
    const again = await upload(second, (async function* () {
      yield bytes;
    })());
    expect(again.data.uploadFile).toMatchObject({ success: true, bytes: bytes.length });
  });
});
