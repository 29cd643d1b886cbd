import { loadDictionary } from '../../../../src/rules/gdc/dictionary/load';
import { Dictionary } from '../../../../src/rules/gdc/dictionary/model';
import { dictionarySpelling } from '../../../../src/sandbox/gdc/bcr/enums';
import { munge } from '../../../../src/sandbox/gdc/bcr/munge';
import { BcrParseError, parseXml, scalarOf, XmlDocument } from '../../../../src/sandbox/gdc/bcr/xml';
import { dataPath } from '../../../../src/sandbox/shared/paths';

const real = new Dictionary(loadDictionary(dataPath('gdc', 'dictionary_all.json.gz')));

describe('BCR XML conversion helpers', () => {
  const xml = new XmlDocument(
    parseXml('<r xmlns:s="urn:s" xmlns:c="urn:c"><s:p><s:birth>-25469</s:birth><c:empty/><c:onset> </c:onset><s:v>x</s:v><s:v>y</s:v></s:p></r>'),
  );
  const patient = xml.nodes('//s:p')[0];
  const value = (path: string) => scalarOf(xml.evaluate(path, patient), path, 'test');

  it('evaluates the mappings’ arithmetic, an empty element being no value (XPath NaN), not 0', () => {
    expect(value('./s:birth|./c:birth * -1')).toBe(25469);
    expect(value('./c:empty * -1')).toBeNull();
    expect(value('./s:birth - ./c:onset')).toBeNull();
    expect(value('./undeclared:x')).toBeNull();
  });

  it('refuses several values where one is expected, and XML that is not well-formed', () => {
    expect(() => value('./s:v')).toThrow(new BcrParseError('test: Expected 1 result for xpath ./s:v, found 2'));
    expect(() => parseXml('<a><b></a>')).toThrow(/Opening and ending tag mismatch: "b" != "a", line 1, column 4/);
    expect(() => parseXml('   ')).toThrow(BcrParseError);
  });

  it('casts as the mapping types say, maps raw spellings, caps day counts', () => {
    expect(munge('not reported', { type: 'str.title' }, 'l')).toBe('Not Reported');
    expect(munge('BLACK OR AFRICAN AMERICAN', { type: 'str.lower' }, 'l')).toBe('black or african american');
    expect(munge('YES, history of prior malignancy', { type: 'str.lower', values: { Yes: ['yes', 'yes, history of prior malignancy'] } }, 'l')).toBe('yes');
    expect(munge(40000, { type: 'int', maximum: 32872 }, 'l')).toBe(32872);
    expect(munge('NO', { type: 'bool' }, 'l')).toBe(false);
    expect(() => munge('maybe?', { type: 'bool' }, 'sample: x: is_ffpe')).toThrow('sample: x: is_ffpe: Cannot convert maybe? to boolean');
    expect(() => munge('12a', { type: 'int' }, 'l')).toThrow("l: invalid literal for int() with base 10: '12a'");
  });

  it("takes the dictionary's spelling of an enum value that differs only in case", () => {
    expect(dictionarySpelling(real, 'diagnosis', 'tumor_grade', 'not reported')).toBe('Not Reported');
    expect(dictionarySpelling(real, 'demographic', 'gender', 'male')).toBe('male');
    expect(dictionarySpelling(real, 'diagnosis', 'tumor_grade', 'nonsense')).toBe('nonsense');
  });
});
