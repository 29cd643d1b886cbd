import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of the sandbox S3 that counts UploadPart requests (`PUT …?partNumber=&uploadId=`)
 * and, when told, cuts (or holds unanswered) every UploadPart after the first `passParts`: an S3 that
 * breaks or stalls mid-upload, as a network does. Requests pass unchanged (Host included, so SigV4 holds).
 */
export interface S3Proxy {
  url: string;
  /** Part numbers of the UploadPart requests that reached S3, in arrival order (retries included). */
  parts: number[];
  /** The same requests with the upload they were for. */
  partRequests: { uploadId: string; partNumber: number }[];
  /** From now on, UploadParts past this many (counted from now) are cut; null passes all. */
  cutAfter(passParts: number | null): void;
  /** From now on, UploadParts past this many are held without an answer (until `release`). */
  holdAfter(passParts: number): void;
  /** Passes every UploadPart again; the held ones have their connection closed. */
  release(): void;
  /** AbortMultipartUpload answered 403 AccessDenied, as ENCODE's PutObject-only credentials get; counted in `deniedAborts`. */
  denyAborts(deny: boolean): void;
  deniedAborts: number;
  reset(): void;
  close(): Promise<void>;
}

export async function startS3Proxy(target: string): Promise<S3Proxy> {
  const to = new URL(target);
  const parts: number[] = [];
  const partRequests: { uploadId: string; partNumber: number }[] = [];
  let budget: number | null = null;
  let hold = false;
  const held = new Set<http.IncomingMessage>();
  let deny = false;
  const state = { deniedAborts: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://proxy');
    const partNumber = req.method === 'PUT' && url.searchParams.has('uploadId') ? Number(url.searchParams.get('partNumber')) : null;
    if (deny && req.method === 'DELETE' && url.searchParams.has('uploadId')) {
      state.deniedAborts++;
      res.writeHead(403, { 'content-type': 'application/xml' });
      return void res.end('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    }
    if (partNumber !== null) {
      if (budget !== null && budget <= 0) {
        if (!hold) return void req.socket.destroy();
        held.add(req);
        return;
      }
      if (budget !== null) budget--;
      parts.push(partNumber);
      partRequests.push({ uploadId: url.searchParams.get('uploadId')!, partNumber });
    }
    const upstream = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    get deniedAborts() {
      return state.deniedAborts;
    },
    denyAborts: (value) => void (deny = value),
    url: `http://127.0.0.1:${port}`,
    parts,
    partRequests,
    cutAfter: (passParts) => {
      budget = passParts;
      hold = false;
    },
    holdAfter: (passParts) => {
      budget = passParts;
      hold = true;
    },
    release: () => {
      budget = null;
      for (const req of held) req.socket.destroy();
      held.clear();
    },
    reset: () => {
      parts.length = 0;
      partRequests.length = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
