import fc from 'fast-check';
import { buildASTSchema, type GraphQLEnumType, parse } from 'graphql';
import fs from 'node:fs';
import path from 'node:path';
import { ENTITY_ERROR_CODES } from '../../../../src/services/errors/codes';
import { columnFor, placedError, placeEntityErrors } from '../../../../src/services/errors/place';
import { emptyEntity, entityError } from '../../../../src/services/result';

describe('columnFor', () => {
  const header = ['type', 'submitter_id', 'cases.submitter_id', 'tissue_type', 'aliases'];
  it.each([
    [['tissue_type'], 'tissue_type'],
    [['cases'], 'cases.submitter_id'],
    [['aliases[0]'], 'aliases'],
    [['project_id', 'submitter_id'], 'submitter_id'],
    [['award'], null],
    [[], null],
  ])('%j → %s', (keys, column) => {
    expect(columnFor(keys, header)).toBe(column);
  });

  /** The rule by scanning the header, as written before it was indexed. */
  const scanned = (keys: string[], cols: string[]) => {
    for (const key of keys) {
      const root = key.replace(/[.[].*$/, '');
      if (cols.includes(key)) return key;
      if (cols.includes(root)) return root;
      const link = cols.find((h) => h.startsWith(`${root}.`));
      if (link) return link;
    }
    return null;
  };

  it('finds the column the header scan found, on random headers and keys', () => {
    const name = fc.stringMatching(/^[a-c.[\]0-9#]{0,6}$/);
    fc.assert(
      fc.property(fc.array(name, { maxLength: 12 }), fc.array(name, { maxLength: 4 }), (cols, keys) => {
        expect(columnFor(keys, cols)).toBe(keys.length ? scanned(keys, cols) : null);
      }),
      { numRuns: 2_000 },
    );
  });

  it('costs time linear in the errors: 100,000 columns, an error about each', () => {
    const wide = Array.from({ length: 100_000 }, (_, i) => `c${i}`);
    const entity = { ...emptyEntity(0, 2), errors: wide.map((c) => entityError('INVALID_PROPERTY', `${c} is not a property of case`, [c])) };
    const started = performance.now();
    placeEntityErrors([entity], wide);
    // Scanning the header for each error was 10^10 comparisons: minutes.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(entity.errors[99_999].column).toBe('c99999');
  });
});

describe('placing errors at their row and column', () => {
  it('prefixes the place once, and leaves JSON input without one', () => {
    const tsv = { ...emptyEntity(0, 3), errors: [entityError('INVALID_VALUE', "tissue_type 'x' is bad", ['tissue_type']), entityError('MISSING_PROPERTY', 'award is required but not given', ['award'])] };
    const json = { ...emptyEntity(1, null), errors: [entityError('INVALID_VALUE', "tissue_type 'x' is bad", ['tissue_type'])] };
    placeEntityErrors([tsv, json], ['type', 'tissue_type']);
    placeEntityErrors([tsv, json], ['type', 'tissue_type']);
    expect(tsv.errors.map((e) => [e.row, e.column, e.message])).toEqual([
      [3, 'tissue_type', "Row 3, column 'tissue_type': tissue_type 'x' is bad"],
      [3, null, 'Row 3: award is required but not given'],
    ]);
    expect(json.errors.map((e) => [e.row, e.column, e.message])).toEqual([[null, null, "tissue_type 'x' is bad"]]);
  });

  it('leaves an error placed when it was found (the gateway\'s TSV checks)', () => {
    const early = placedError(entityError('INVALID_VALUE', 'not a number', ['passage_number']), 4, 'passage_number');
    const entity = { ...emptyEntity(0, 4), errors: [early] };
    placeEntityErrors([entity], ['passage_number']);
    expect(entity.errors[0]).toMatchObject({ row: 4, column: 'passage_number', message: "Row 4, column 'passage_number': not a number" });
  });
});

describe('the vocabulary', () => {
  it('is the schema enum EntityErrorCode, value for value', () => {
    const sdl = fs.readFileSync(path.join(__dirname, '../../../../schema/submission.graphql'), 'utf8');
    const common = fs.readFileSync(path.join(__dirname, '../../../../schema/common.graphql'), 'utf8');
    const schema = buildASTSchema(parse(`${common}\n${sdl}`), { assumeValid: true });
    const values = (schema.getType('EntityErrorCode') as GraphQLEnumType).getValues().map((v) => v.name);
    expect(values).toEqual([...ENTITY_ERROR_CODES]);
  });
});
