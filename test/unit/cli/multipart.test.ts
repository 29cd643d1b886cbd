import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { type FileUpload, processRequest, type Upload } from 'graphql-upload-minimal';
import { graphqlMultipart } from '../../../src/cli/multipart';

/** Reads a multipart body back with the gateway's own parser (graphql-upload-minimal's processRequest). */
async function readBack(contentType: string, body: Readable) {
  const request = Object.assign(new PassThrough(), { headers: { 'content-type': contentType } });
  let length = 0;
  body.on('data', (c: Buffer) => (length += c.length));
  body.pipe(request);
  const operations = (await processRequest(request as never, new EventEmitter() as never, { maxFiles: 5 })) as { query: string; variables: Record<string, any> };
  const file = async (upload: Upload | Promise<FileUpload>) => {
    const f = (await (upload instanceof Promise ? upload : upload.promise)) as FileUpload;
    const chunks: Buffer[] = [];
    for await (const c of f.createReadStream()) chunks.push(c as Buffer);
    return { filename: f.filename, bytes: Buffer.concat(chunks) };
  };
  const [first, second] = [await file(operations.variables.input.file), await file(operations.variables.extra.doc)];
  await new Promise((r) => setImmediate(r));
  return { operations, first, second, length };
}

describe('graphqlMultipart: the GraphQL multipart request spec, streamed', () => {
  it("sends operations, the map and each file: the gateway's own parser finds every file where the map says, in exactly the announced length", async () => {
    const a = randomBytes(70_000);
    const b = Buffer.from('second');
    const body = graphqlMultipart('mutation($input: X!) { x(input: $input) }', { input: { source: 'ENCODE', id: 'TSTFF1', file: 'will be null' }, other: 1 }, [
      { path: 'variables.input.file', filename: 'reads "1".fastq.gz', size: a.length, open: () => Readable.from([a.subarray(0, 1000), a.subarray(1000)]) },
      { path: 'variables.extra.doc', filename: 'b.tsv', size: b.length, open: () => Readable.from([b]) },
    ]);
    const back = await readBack(body.contentType, body.body);
    expect(back.length).toBe(body.length);
    expect(back.operations.query).toBe('mutation($input: X!) { x(input: $input) }');
    expect(back.operations.variables.input).toMatchObject({ source: 'ENCODE', id: 'TSTFF1' });
    expect(back.operations.variables.other).toBe(1);
    expect(back.first.filename).toBe('reads _1_.fastq.gz');
    expect(back.first.bytes.equals(a)).toBe(true);
    expect(back.second).toEqual({ filename: 'b.tsv', bytes: b });
  });
});
