import { fromGdcEnvelope } from '../../../src/services/gdc/envelope';
import type { GdcSubmissionResponse } from '../../../src/datasources/gdc/models';

// The duplicate-POST answer from the GDC submission guide, as printed there.
const duplicate: GdcSubmissionResponse = {
  cases_related_to_created_entities_count: 0,
  cases_related_to_updated_entities_count: 0,
  code: 400,
  created_entity_count: 0,
  entities: [
    {
      action: null,
      errors: [{ keys: ['id'], message: 'Cannot create an entity with an id that already exists.', type: 'NOT_UNIQUE' }],
      id: null,
      related_cases: [],
      type: 'case',
      unique_keys: [{ project_id: 'GDC-INTERNAL', submitter_id: 'GDC-INTERNAL-000093' }],
      valid: false,
      warnings: [],
    },
  ],
  entity_error_count: 1,
  message: 'Transaction aborted due to 1 invalid entity.',
  success: false,
  transaction_id: 5834802,
  transactional_error_count: 0,
  transactional_errors: [],
  updated_entity_count: 0,
};

describe('fromGdcEnvelope', () => {
  it('passes GDC error types and counts through, the message in plain words and GDC\'s own in upstreamMessage', () => {
    const result = fromGdcEnvelope(duplicate, 400, false);
    expect(result).toMatchObject({
      source: 'GDC',
      success: false,
      dryRun: false,
      message: 'Transaction aborted due to 1 invalid entity.',
      transactionId: 5834802,
      createdCount: 0,
      errorCount: 1,
      upstreamStatus: 400,
    });
    expect(result.entities[0]).toMatchObject({
      index: 0,
      row: null,
      valid: false,
      type: 'case',
      submitterId: 'GDC-INTERNAL-000093',
      errors: [
        {
          type: 'NOT_UNIQUE',
          message: 'an entity with this id already exists (submit with upsert: true to update it)',
          upstreamMessage: 'Cannot create an entity with an id that already exists.',
          keys: ['id'],
          location: null,
          row: null,
          column: null,
        },
      ],
    });
  });

  it('gives each entity its document row and flattens transactional errors', () => {
    const envelope: GdcSubmissionResponse = {
      ...duplicate,
      entities: [duplicate.entities[0], { ...duplicate.entities[0], errors: [] }],
      transactional_errors: ['Nothing to submit', { message: 'Entity is not unique', type: 'NOT_UNIQUE' }],
      transactional_error_count: 2,
    };
    const result = fromGdcEnvelope(envelope, 200, true, [2, 4]);
    expect(result.entities.map((e) => e.row)).toEqual([2, 4]);
    expect(result.transactionalErrors).toEqual(['Nothing to submit', 'NOT_UNIQUE: Entity is not unique']);
    expect(result.errorCount).toBe(3);
    expect(result.dryRun).toBe(true);
  });
});
