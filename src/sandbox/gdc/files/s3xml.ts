import { DOMParser } from '@xmldom/xmldom';
import type { Part, S3Error } from './objects';

/** gdc-client reads S3's answers through their default namespace (`root.nsmap[None]`): it must be there. */
const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function element(name: string, children: [string, string][] | string): string {
  const inner = typeof children === 'string' ? children : children.map(([k, v]) => `<${k}>${escape(v)}</${k}>`).join('');
  return `<${name}>${inner}</${name}>`;
}

function document(root: string, inner: string): string {
  return `${DECLARATION}<${root} xmlns="${NS}">${inner}</${root}>`;
}

export function initiateResult(bucket: string, key: string, uploadId: string): string {
  return document('InitiateMultipartUploadResult', element('Bucket', bucket) + element('Key', key) + element('UploadId', uploadId));
}

export interface PartsPage {
  bucket: string;
  key: string;
  uploadId: string;
  marker: number;
  maxParts: number;
  parts: Part[];
}

/** ListParts, one page: parts after `marker`, at most `maxParts`, with S3's truncation markers. */
export function listPartsResult(page: PartsPage): string {
  const after = page.parts.filter((p) => p.partNumber > page.marker);
  const shown = after.slice(0, page.maxParts);
  const truncated = after.length > shown.length;
  const next = shown.length ? shown[shown.length - 1].partNumber : page.marker;
  const parts = shown
    .map((p) =>
      element('Part', [
        ['PartNumber', String(p.partNumber)],
        ['LastModified', p.lastModified.toISOString()],
        ['ETag', p.etag],
        ['Size', String(p.size)],
      ]),
    )
    .join('');
  return document(
    'ListPartsResult',
    [
      element('Bucket', escape(page.bucket)),
      element('Key', escape(page.key)),
      element('UploadId', escape(page.uploadId)),
      element('StorageClass', 'STANDARD'),
      element('PartNumberMarker', String(page.marker)),
      element('NextPartNumberMarker', String(next)),
      element('MaxParts', String(page.maxParts)),
      element('IsTruncated', String(truncated)),
      parts,
    ].join(''),
  );
}

export function completeResult(location: string, bucket: string, key: string, etag: string): string {
  return document(
    'CompleteMultipartUploadResult',
    element('Location', escape(location)) + element('Bucket', escape(bucket)) + element('Key', escape(key)) + element('ETag', escape(`"${etag}"`)),
  );
}

/** S3 error bodies carry no namespace. */
export function errorResult(error: S3Error, resource: string): string {
  const extra = Object.entries(error.extra).map(([k, v]) => element(k, escape(v)));
  return `${DECLARATION}${element('Error', [element('Code', escape(error.code)), element('Message', escape(error.message)), ...extra, element('Resource', escape(resource))].join(''))}`;
}

/**
 * The parts a CompleteMultipartUpload body lists. gdc-client sends it without a namespace, S3 SDKs with
 * S3's; elements are matched by local name either way. Null when the body is not that document.
 */
export function parseCompleteBody(xml: string): { partNumber: number; etag: string }[] | null {
  let root: Element | null = null;
  try {
    const doc = new DOMParser({ onError: (level, message) => {
      if (level !== 'warning') throw new Error(message);
    } }).parseFromString(xml, 'text/xml');
    root = doc.documentElement as Element | null;
  } catch {
    return null;
  }
  if (!root || root.localName !== 'CompleteMultipartUpload') return null;
  const parts: { partNumber: number; etag: string }[] = [];
  for (const part of childElements(root, 'Part')) {
    const number = childElements(part, 'PartNumber')[0]?.textContent?.trim() ?? '';
    const etag = childElements(part, 'ETag')[0]?.textContent?.trim() ?? '';
    if (!/^\d+$/.test(number) || !etag) return null;
    parts.push({ partNumber: Number(number), etag });
  }
  return parts;
}

function childElements(parent: Element, localName: string): Element[] {
  const out: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).localName === localName) out.push(node as Element);
  }
  return out;
}
