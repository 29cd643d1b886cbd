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
      { type: 'MISSING_PROPERTY', message: 'lab is required but not given', upstreamMessage: "'lab' is a required property", keys: ['lab'], location: null },
      {
        type: 'INVALID_VALUE',
        message: "introduced_tags[0].location 'side' is not one of the allowed values: 'C-terminal', 'N-terminal'",
        upstreamMessage: "'side' is not one of ['C-terminal', 'N-terminal']",
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
    expect(err).toEqual({
      type: 'NOT_UNIQUE',
      message: "alias 'john-doe:b1' and accession 'ENCBS000AAA' already belong to another record",
      upstreamMessage: detail,
      keys: ['aliases', 'accession'],
      location: null,
    });
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
    expect(err).toMatchObject({ type: 'INVALID_VALUE', message: 'the ENCODE portal refused the write (HTTP 400): Invalid JSON', upstreamMessage: 'Invalid JSON' });
  });

  const validation = (name: (string | number)[], description: string) =>
    encodeErrorsToEntityErrors(422, { '@type': [], status: 'error', code: 422, title: '', description: '', errors: [{ location: 'body', name, description }] }, 'biosample')[0];

  it.each([
    [['colour'], "Additional properties are not allowed ('colour' was unexpected)", 'INVALID_PROPERTY', 'colour is not a property of biosample'],
    [[], "Additional properties are not allowed ('colour', 'size' were unexpected)", 'INVALID_PROPERTY', 'colour and size are not properties of biosample'],
    [['organism'], "'human' not found", 'INVALID_LINK', "organism 'human' names no existing record"],
    [['lab'], "'/awards/x/' is not of type 'Lab'", 'INVALID_LINK', "lab '/awards/x/' is not a Lab"],
    [['passage_number'], "'5' is not of type 'integer'", 'INVALID_VALUE', "passage_number must be an integer, not '5'"],
    [['age'], "None is not of type 'string', 'number'", 'INVALID_VALUE', 'age must be a string or a number, not null'],
    [['passage_number'], '-1 is less than the minimum of 0', 'INVALID_VALUE', 'passage_number -1 is below the minimum: it must be at least 0'],
    [['status'], "permission 'import_items' required", 'INVALID_PERMISSIONS', "status can only be set with the 'import_items' permission"],
    [['lab'], "'/labs/x/' is not in user submits_for", 'INVALID_PERMISSIONS', "lab '/labs/x/' is not a lab you submit for"],
    [['date_obtained'], "'2020-13-45' does not match '^(\\d{4})-(\\d{2})-(\\d{2})$'", 'INVALID_VALUE', "date_obtained '2020-13-45' is not of the form the schema requires (pattern ^(\\d{4})-(\\d{2})-(\\d{2})$)"],
    [['aliases', 0], "'x:y' does not match '^(?:lab-a|lab-b):[a-z]+$'", 'INVALID_VALUE', "aliases[0] 'x:y' is not an alias the portal accepts: it must be '<lab name>:<name>', with the name of a lab the portal knows"],
    [['dbxrefs'], "['a', 'a'] has non-unique elements", 'INVALID_VALUE', "dbxrefs lists a value more than once: ['a', 'a']"],
    [['reverse', 0], "'target' is a required property", 'MISSING_PROPERTY', 'reverse[0].target is required but not given'],
  ])('%j %s → %s in plain words', (name, description, type, message) => {
    expect(validation(name as (string | number)[], description)).toMatchObject({ type, message, upstreamMessage: description });
  });

  it('leaves a message no rule knows as the portal wrote it, at its path', () => {
    expect(validation(['x'], 'submission disallowed')).toMatchObject({ type: 'INVALID_PERMISSIONS', message: 'x: submission disallowed', upstreamMessage: 'submission disallowed' });
  });
});
