import { cleanAlias, labName, prepareAliases } from '../../../../src/rules/encode/aliases';
import { attachmentObject, attachmentType } from '../../../../src/rules/encode/attachments';
import { extendArray, stableJson } from '../../../../src/rules/encode/merge';

describe('aliases', () => {
  it('are cleaned as encode_utils cleans them: / and \\ become _, # is dropped', () => {
    expect(cleanAlias(' lab:run/1\\a#b ')).toBe('lab:run_1_ab');
  });

  it('get the lab prefix when they have none, keep their order and lose duplicates (encode_utils sorts a set)', () => {
    expect(prepareAliases(['z-sample', 'lab-x:b', 'a/1', 'lab-x:z-sample', 'lab-x:b'], 'lab-x')).toEqual({
      aliases: ['lab-x:z-sample', 'lab-x:b', 'lab-x:a_1'],
      unprefixed: [],
    });
  });

  it('report the ones that need a prefix when no lab is known', () => {
    expect(prepareAliases(['bare', 'other:kept'], null)).toEqual({ aliases: ['other:kept'], unprefixed: ['bare'] });
  });

  it('take the lab name from a name or an @id path, never from a uuid', () => {
    expect(labName('michael-snyder')).toBe('michael-snyder');
    expect(labName('/labs/michael-snyder/')).toBe('michael-snyder');
    expect(labName('0a6f2a2e-4e6c-4e3a-9a4e-4b0c9b1b7d6e')).toBeNull();
  });
});

describe('extendArray (default PATCH of arrays)', () => {
  it('keeps existing values first, then new ones, each once, in order (encode_utils puts new first and loses the order)', () => {
    expect(extendArray(['c', 'a'], ['b', 'a', 'd'])).toEqual(['c', 'a', 'b', 'd']);
  });

  it('counts two identifiers of one record as one when told how to identify them', () => {
    const uuidOf: Record<string, string> = { '/documents/u1/': 'u1', 'lab:doc-1': 'u1', ENCDO000AAA: 'u2', '/documents/u2/': 'u2' };
    const merged = extendArray(['/documents/u1/', '/documents/u2/'], ['lab:doc-1', 'ENCDO000AAA', 'lab:doc-3'], (v) => uuidOf[v as string] ?? (v as string));
    expect(merged).toEqual(['/documents/u1/', '/documents/u2/', 'lab:doc-3']);
  });

  it('compares objects whatever their key order', () => {
    expect(extendArray([{ a: 1, b: 2 }], [{ b: 2, a: 1 }, { a: 2 }])).toEqual([{ a: 1, b: 2 }, { a: 2 }]);
    expect(stableJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });
});

describe('attachments', () => {
  it('take their type from the file name, for the types the portal allows', () => {
    expect(attachmentType('protocol.PDF')).toBe('application/pdf');
    expect(attachmentType('plot.tiff')).toBe('image/tiff');
    expect(attachmentType('schema.as')).toBe('text/autosql');
    expect(attachmentType('notes.docx')).toBeUndefined();
    expect(attachmentObject('/x/y/notes.txt', 'text/plain', Buffer.from('hi'))).toEqual({ download: 'notes.txt', type: 'text/plain', href: 'data:text/plain;base64,aGk=' });
  });
});
