import { graphqlString, jsonbOrder, pyJsonDumps } from '../../../../../src/sandbox/gdc/graphql/pyjson';

describe('values as peregrine prints them', () => {
  it('orders object keys as JSONB stores them: by length, then bytewise, at every depth', () => {
    const ordered = jsonbOrder({ submitter_id: 'x', id: 1, state: 's', b: { zz: 1, a: 2, ab: [{ bb: 1, a: 0 }] } });
    expect(JSON.stringify(ordered)).toBe('{"b":{"a":2,"ab":[{"a":0,"bb":1}],"zz":1},"id":1,"state":"s","submitter_id":"x"}');
  });

  it('json.dumps with Python defaults: ", " and ": " separators, non-ASCII escaped', () => {
    expect(pyJsonDumps([{ project_id: 'P-1', submitter_id: 'é😀' }, null, true, 1.5])).toBe(
      '[{"project_id": "P-1", "submitter_id": "\\u00e9\\ud83d\\ude00"}, null, true, 1.5]',
    );
    expect(pyJsonDumps({})).toBe('{}');
  });

  it("graphene's String: strings as they are, booleans lower-case, containers as Python's str()", () => {
    expect(graphqlString('a')).toBe('a');
    expect(graphqlString(true)).toBe('true');
    expect(graphqlString(3)).toBe('3');
    expect(graphqlString(null)).toBeNull();
    expect(graphqlString({ message: "it's", keys: ['k'] })).toBe(`{'keys': ['k'], 'message': "it's"}`);
    expect(graphqlString([])).toBe('[]');
  });
});
