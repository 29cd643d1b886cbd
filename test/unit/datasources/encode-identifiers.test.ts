import { chunkByLength, classifyIdentifier, identifierPath, identifiersOf } from '../../../src/datasources/encode/identifiers';

describe('classifyIdentifier', () => {
  it.each([
    ['2fbb9b8c-4c2a-4e7a-9d3a-0c2c1b0a9e11', 'uuid', '2fbb9b8c-4c2a-4e7a-9d3a-0c2c1b0a9e11'],
    ['2FBB9B8C-4C2A-4E7A-9D3A-0C2C1B0A9E11', 'uuid', '2fbb9b8c-4c2a-4e7a-9d3a-0c2c1b0a9e11'],
    ['ENCBS000AAA', 'accession', 'ENCBS000AAA'],
    ['TSTFF123456', 'accession', 'TSTFF123456'],
    ['/biosamples/ENCBS000AAA/', '@id', '/biosamples/ENCBS000AAA/'],
    ['/labs/john-doe', '@id', '/labs/john-doe/'],
    ['md5:0123456789abcdef0123456789abcdef', 'md5sum', '0123456789abcdef0123456789abcdef'],
    ['john-doe:biosample-1', 'aliases', 'john-doe:biosample-1'],
  ])('%s is searched by %s', (id, field, value) => {
    expect(classifyIdentifier(id)).toEqual({ field, value });
  });

  it('leaves bare names to a GET', () => {
    expect(classifyIdentifier('john-doe').field).toBeNull();
    expect(classifyIdentifier('ENCBS00AAA').field).toBeNull();
  });
});

describe('identifiersOf', () => {
  it('lists every identifier a record answers to', () => {
    const ids = identifiersOf({
      '@id': '/files/ENCFF001AAA/',
      '@type': ['File', 'Item'],
      uuid: 'u-1',
      accession: 'ENCFF001AAA',
      alternate_accessions: ['ENCFF999ZZZ'],
      aliases: ['lab:f1'],
      md5sum: 'abc',
    });
    expect(ids.sort()).toEqual(['/files/ENCFF001AAA/', 'ENCFF001AAA', 'ENCFF999ZZZ', 'lab:f1', 'md5:abc', 'u-1'].sort());
  });
});

describe('identifierPath', () => {
  it('keeps colons and @id paths, encodes the rest', () => {
    expect(identifierPath('john-doe:b 1')).toBe('/john-doe:b%201/');
    expect(identifierPath('/labs/x')).toBe('/labs/x/');
    expect(identifierPath('ENCBS000AAA')).toBe('/ENCBS000AAA/');
  });
});

describe('chunkByLength', () => {
  it('keeps each chunk under the limit and loses nothing', () => {
    const values = Array.from({ length: 300 }, (_, i) => `ENCBS${String(i).padStart(3, '0')}AAA`);
    const chunks = chunkByLength('accession', values, 1000);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.flat()).toEqual(values);
    for (const c of chunks) expect(c.map((v) => `accession=${v}&`).join('').length).toBeLessThanOrEqual(1000);
  });

  it('makes one chunk for a short list', () => {
    expect(chunkByLength('uuid', ['a', 'b'])).toEqual([['a', 'b']]);
  });
});
