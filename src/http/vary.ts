import type { ServerResponse } from 'node:http';

/** Adds a field to `Vary`, keeping what other steps put there (CORS adds Origin, compression Accept-Encoding). */
export function addVary(res: ServerResponse, field: string): void {
  const current = res.getHeader('vary');
  const fields = current === undefined ? [] : String(current).split(',').map((f) => f.trim()).filter(Boolean);
  if (fields.some((f) => f === '*' || f.toLowerCase() === field.toLowerCase())) return;
  res.setHeader('vary', [...fields, field].join(', '));
}
