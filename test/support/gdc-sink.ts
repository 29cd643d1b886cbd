import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { JsonArraySplitter } from '../../src/datasources/json-split';

/**
 * A stand-in for GDC's project endpoint that only receives: it reads a submitted document as it
 * streams (TSV lines or JSON entities, keeping just each submitter_id) and answers the envelope
 * GDC answers for a successful POST, one entity result per entity, written as it goes. It keeps
 * no graph, so a 200 MB document measures the gateway, not an emulator (the sandbox validates and
 * stores every entity; 20,000 take it ~20 s).
 */
export interface GdcSink {
  url: string;
  /** Bytes and entities of the last document received. */
  last: { bytes: number; entities: number } | null;
  /**
   * When (ms since the epoch) the last request arrived, when its document had been read whole and
   * the answer began, and when the answer had been handed to the socket (null until then).
   */
  timeline: { received: number; answering: number | null; answered: number | null } | null;
  close(): Promise<void>;
}

export async function startGdcSink(): Promise<GdcSink> {
  const sink: GdcSink = { url: '', last: null, timeline: null, close: async () => undefined };
  const server = http.createServer((req, res) => {
    if (!/^\/v0\/submission\/[^/]+\/[^/]+(\/_dry_run)?$/.test((req.url ?? '').split('?')[0]) || !['POST', 'PUT'].includes(req.method ?? '')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'not found' }));
      return;
    }
    const timeline: NonNullable<GdcSink['timeline']> = { received: Date.now(), answering: null, answered: null };
    sink.timeline = timeline;
    res.once('finish', () => (timeline.answered = Date.now()));
    void receive(req).then(({ bytes, ids }) => {
      sink.last = { bytes, entities: ids.length };
      timeline.answering = Date.now();
      void answer(res, req.url!.split('/')[3] + '-' + req.url!.split('/')[4].split(/[/?]/)[0], ids);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sink.close = () => new Promise((resolve) => server.close(() => resolve()));
  return sink;
}

async function receive(req: http.IncomingMessage): Promise<{ bytes: number; ids: string[] }> {
  const ids: string[] = [];
  let bytes = 0;
  if (!String(req.headers['content-type']).includes('tab-separated')) {
    const splitter = new JsonArraySplitter((json) => ids.push(String((JSON.parse(json) as { submitter_id?: string }).submitter_id)));
    for await (const chunk of req) {
      bytes += (chunk as Buffer).length;
      splitter.write(chunk as Buffer);
    }
    splitter.end();
    return { bytes, ids };
  }
  let carry = '';
  let header = true;
  for await (const chunk of req) {
    bytes += (chunk as Buffer).length;
    const lines = (carry + (chunk as Buffer).toString('utf8')).split('\n');
    carry = lines.pop()!;
    for (const line of lines) {
      if (header) header = false;
      else if (line) ids.push(line.split('\t', 3)[1]);
    }
  }
  if (carry && !header) ids.push(carry.split('\t', 3)[1]);
  return { bytes, ids };
}

async function answer(res: http.ServerResponse, projectId: string, ids: string[]): Promise<void> {
  res.writeHead(201, { 'content-type': 'application/json' });
  const write = (text: string) => (res.write(text) ? Promise.resolve() : new Promise<void>((r) => res.once('drain', () => r())));
  await write('{"cases_related_to_created_entities_count":0,"cases_related_to_updated_entities_count":0,"code":201,');
  await write(`"created_entity_count":${ids.length},"entities":[`);
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500).map(
      (sid) =>
        `{"action":"create","errors":[],"id":"${randomUUID()}","related_cases":[],"type":"case",` +
        `"unique_keys":[{"project_id":"${projectId}","submitter_id":${JSON.stringify(sid)}}],"valid":true,"warnings":[]}`,
    );
    await write((i ? ',' : '') + part.join(','));
  }
  await write('],"entity_error_count":0,"message":"Transaction successful.","success":true,"transaction_id":1,');
  res.end('"transactional_error_count":0,"transactional_errors":[],"updated_entity_count":0}');
}
