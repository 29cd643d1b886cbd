import { fixtureWorld } from './fixture';

describe('deletion (no cascade, dependents refused)', () => {
  function world() {
    const w = fixtureWorld();
    const r = w.upload([
      { type: 'case', submitter_id: 'C-1', projects: { code: 'INTERNAL' } },
      { type: 'sample', submitter_id: 'S-1', cases: { submitter_id: 'C-1' } },
      { type: 'analyte', submitter_id: 'AN-1', samples: { submitter_id: 'S-1' } },
    ]);
    expect(r.envelope.success).toBe(true);
    const [caseId, sampleId, analyteId] = r.envelope.entities.map((e) => e.id!);
    return { ...w, caseId, sampleId, analyteId };
  }

  it('deletes a leaf with the guide envelope', () => {
    const w = world();
    const r = w.remove([w.analyteId]);
    expect(r.status).toBe(200);
    expect(r.envelope).toEqual({
      code: 200,
      deleted_entity_count: 1,
      dependent_ids: '',
      entities: [
        {
          action: 'delete',
          errors: [],
          id: w.analyteId,
          related_cases: [{ id: w.caseId, submitter_id: 'C-1' }],
          type: 'analyte',
          valid: true,
          warnings: [],
        },
      ],
      entity_error_count: 0,
      message: 'Successfully deleted 1 entities',
      success: true,
      transaction_id: expect.any(Number),
      transactional_error_count: 0,
      transactional_errors: [],
    });
    expect(w.store.get(w.analyteId)).toBeUndefined();
  });

  it('refuses to delete a parent whose children depend on it, stopping at the first dependent', () => {
    const w = world();
    const r = w.remove([w.caseId]);
    expect(r.status).toBe(400);
    expect(r.envelope.message).toBe('Deletion transaction failed.');
    expect(r.envelope.deleted_entity_count).toBe(0);
    expect(r.envelope.entities[0].errors).toEqual([
      {
        keys: [],
        message:
          'Unable to delete entity because at least 2 other(s) directly or indirectly depend on it. You can only delete this entity by deleting its dependents prior to, or during the same transaction as this one.',
        type: 'INVALID_LINK',
        dependents: [
          { id: w.sampleId, type: 'sample' },
          { id: w.analyteId, type: 'analyte' },
        ],
      },
    ]);
    expect(r.envelope.dependent_ids).toBe(`${w.sampleId},${w.analyteId}`);
    expect(w.store.get(w.caseId)).toBeDefined();
  });

  it('deletes a parent together with its children in one transaction', () => {
    const w = world();
    const r = w.remove([w.caseId, w.sampleId, w.analyteId]);
    expect(r.envelope).toMatchObject({ success: true, deleted_entity_count: 3 });
    expect(w.store.get(w.sampleId)).toBeUndefined();
  });

  it('writes nothing on a dry run', () => {
    const w = world();
    expect(w.remove([w.analyteId], true).envelope).toMatchObject({ success: true, message: 'Dry run successful. Would have deleted 1 entities' });
    expect(w.store.get(w.analyteId)).toBeDefined();
  });

  it('reports unknown ids as NOT_FOUND, keeping the id on the error', () => {
    const w = world();
    const missing = '00000000-0000-4000-8000-000000000000';
    const r = w.remove([w.analyteId, missing]);
    expect(r.envelope.success).toBe(false);
    expect(r.envelope.entities[1].errors).toEqual([{ keys: ['id'], message: 'Entity not found.', id: missing, type: 'NOT_FOUND' }]);
    expect(w.store.get(w.analyteId)).toBeDefined();
  });

  it('refuses submitted entities', () => {
    const w = world();
    w.store.get(w.analyteId)!.props.state = 'submitted';
    expect(w.remove([w.analyteId]).envelope.entities[0].errors[0]).toMatchObject({
      keys: ['state'],
      type: 'INVALID_PERMISSIONS',
      message: 'This node has been submitted. Deletion is disallowed for submitted entities. This node must be redacted.',
    });
  });
});
