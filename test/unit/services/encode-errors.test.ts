import { classifyEncodeMessage, conflictKeys, encodeErrorsToEntityErrors, jsonPath } from '../../../src/services/errors/encode';

describe('jsonPath', () => {
  it('renders the portal name list as a JSON path', () => {
    expect(jsonPath(['reverse', 0, 'target'])).toBe('reverse[0].target');
    expect(jsonPath(['aliases', '1'])).toBe('aliases[1]');
    expect(jsonPath([])).toBeNull();
    expect(jsonPath('lab')).toBe('lab');
  });
});

describe('classifyEncodeMessage', () => {
  it.each([
    ["'lab' is a required property", 'MISSING_PROPERTY'],
    ["Additional properties are not allowed ('colour' was unexpected)", 'INVALID_PROPERTY'],
    ["'nope' not found", 'INVALID_LINK'],
    ["'/awards/x/' is not of type 'Lab'", 'INVALID_LINK'],
    ["'5' is not of type 'integer'", 'INVALID_VALUE'],
    ["'blue' is not one of ['red', 'green']", 'INVALID_VALUE'],
    ["permission 'import_items' required", 'INVALID_PERMISSIONS'],
    ["'0c3a3b9e-0000-4000-8000-000000000000' is not in user submits_for", 'INVALID_PERMISSIONS'],
    ['submission disallowed', 'INVALID_PERMISSIONS'],
  ])('%s → %s', (message, type) => {
    expect(classifyEncodeMessage(message)).toBe(type);
  });
});

describe('encodeErrorsToEntityErrors', () => {
  it('maps every 422 entry with its path and property', () => {
    const errors = encodeErrorsToEntityErrors(422, {
      '@type': ['ValidationFailure', 'Error'],
      status: 'error',
      code: 422,
      title: 'Unprocessable Entity',
      description: 'Failed validation',
      errors: [
        { location: 'body', name: [], description: "'lab' is a required property" },
        { location: 'body', name: ['introduced_tags', 0, 'location'], description: "'side' is not one of ['C-terminal', 'N-terminal']" },
      ],
    });
    expect(errors).toEqual([
      { type: 'MISSING_PROPERTY', message: "'lab' is a required property", keys: ['lab'], location: null },
      {
        type: 'INVALID_VALUE',
        message: "'side' is not one of ['C-terminal', 'N-terminal']",
        keys: ['introduced_tags'],
        location: 'introduced_tags[0].location',
      },
    ]);
  });

  it('maps a 409 keys conflict to NOT_UNIQUE with the conflicting keys', () => {
    const detail = "Keys conflict: [('alias', 'john-doe:b1'), ('accession', 'ENCBS000AAA')]";
    expect(conflictKeys(detail)).toEqual(['alias:john-doe:b1', 'accession:ENCBS000AAA']);
    const [err] = encodeErrorsToEntityErrors(409, {
      '@type': ['HTTPConflict', 'Error'],
      status: 'error',
      code: 409,
      title: 'Conflict',
      description: 'There was a conflict when trying to complete your request.',
      detail,
    });
    expect(err).toMatchObject({ type: 'NOT_UNIQUE', message: detail, keys: ['alias:john-doe:b1', 'accession:ENCBS000AAA'] });
  });

  it('keeps an unexpected status as an ERROR with the upstream words', () => {
    expect(encodeErrorsToEntityErrors(400, undefined)[0]).toMatchObject({ type: 'ERROR' });
    const [err] = encodeErrorsToEntityErrors(400, {
      '@type': ['HTTPBadRequest', 'Error'],
      status: 'error',
      code: 400,
      title: 'Bad Request',
      description: 'Invalid JSON',
    });
    expect(err).toMatchObject({ type: 'INVALID_VALUE', message: 'Invalid JSON' });
  });
});
