import fs from 'node:fs';
import path from 'node:path';
import { ENCODE_COLLECTIONS } from '../../../src/datasources/encode-collections';
import { routeTemplate } from '../../../src/datasources/route-template';

describe('routeTemplate: bounded route names for metrics and spans', () => {
  it.each([
    ['/biosample/', '/biosample/'],
    ['/human-donors/', '/human-donors/'],
    ['/biosamples/ENCBS000AAA/', '/biosamples/{id}/'],
    ['/ENCBS000AAA/', '/{id}/'],
    ['/lab:my-alias/', '/{id}/'],
    ['/not-a-collection/', '/{id}/'],
    ['/files/9f2c1d3e-0000-4000-8000-000000000000/@@upload', '/files/{id}/@@upload'],
    ['/profiles/', '/profiles/'],
    ['/profiles/lab.json', '/profiles/{name}.json'],
    ['/search/', '/search/'],
    ['/v0/submission/GDC/INTERNAL/entities/4d9e5a6c-1,7a1b2c3d-2', '/v0/submission/{prog}/{proj}/entities/{ids}'],
    ['/v0/submission/GDC/INTERNAL/entities/_dry_run/abc', '/v0/submission/{prog}/{proj}/entities/{ids}/{p}'],
    ['/v0/submission/GDC/INTERNAL', '/v0/submission/{prog}/{proj}'],
    ['/v0/submission/GDC/INTERNAL/_dry_run', '/v0/submission/{prog}/{proj}/_dry_run'],
    ['/v0/submission/GDC/INTERNAL/files/abc-123', '/v0/submission/{prog}/{proj}/files/{id}'],
    ['/v0/submission/GDC/INTERNAL/transactions/42/commit', '/v0/submission/{prog}/{proj}/transactions/{id}/commit'],
    ['/v0/submission/GDC/INTERNAL/xml/biospecimen/bcr', '/v0/submission/{prog}/{proj}/xml/{kind}/bcr'],
    ['/v0/submission/GDC/INTERNAL/export', '/v0/submission/{prog}/{proj}/export'],
    ['/v0/submission/GDC/INTERNAL/release', '/v0/submission/{prog}/{proj}/release'],
    ['/v0/submission/GDC/INTERNAL/anything-else', '/v0/submission/{prog}/{proj}/{p}'],
    ['/v0/submission/_dictionary/case', '/v0/submission/_dictionary/{type}'],
    ['/v0/submission/_dictionary', '/v0/submission/_dictionary'],
    ['/v0/submission/template/case', '/v0/submission/template/{types}'],
    ['/v0/submission/graphql', '/v0/submission/graphql'],
    ['/v0/submission/TCGA', '/v0/submission/{prog}'],
  ])('%s → %s', (pathname, template) => {
    expect(routeTemplate(pathname)).toBe(template);
  });

  it('never passes a caller-chosen segment through: 1,000 random paths give a handful of templates', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const r = Math.random().toString(36).slice(2);
      seen.add(routeTemplate(`/${r}/`));
      seen.add(routeTemplate(`/biosamples/${r}/`));
      seen.add(routeTemplate(`/v0/submission/${r}/${r}/entities/${r}`));
      seen.add(routeTemplate(`/v0/submission/${r}/${r}/${r}/${r}`));
    }
    expect([...seen].sort()).toEqual(['/biosamples/{id}/', '/v0/submission/{prog}/{proj}/entities/{ids}', '/v0/submission/{prog}/{proj}/{p}/{p}', '/{id}/']);
  });

  it('knows every collection and item_type of data/encode/type-names.tsv, and nothing else', () => {
    const rows = fs
      .readFileSync(path.join(__dirname, '../../../data/encode/type-names.tsv'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .slice(1)
      .map((l) => l.split('\t'));
    const names = new Set(rows.flatMap(([collection, , itemType]) => [collection, itemType]).filter((n) => n !== '-'));
    expect([...ENCODE_COLLECTIONS].sort()).toEqual([...names].sort());
  });
});
