import { fixtureWorld } from './fixture';

const errorsOf = (r: { envelope: { entities: { errors: { type: string; message: string }[] }[] } }, i = 0) => r.envelope.entities[i].errors;

describe('links and multiplicity (sheepdog set_association_proxies + GDCLinksValidator)', () => {
  function world() {
    const w = fixtureWorld();
    const base = w.upload([
      { type: 'case', submitter_id: 'C-1', projects: { code: 'INTERNAL' } },
      { type: 'case', submitter_id: 'C-2', projects: { code: 'INTERNAL' } },
      { type: 'sample', submitter_id: 'S-1', cases: { submitter_id: 'C-1' } },
      { type: 'sample', submitter_id: 'S-2', cases: { submitter_id: 'C-1' } },
      { type: 'analyte', submitter_id: 'AN-1', samples: { submitter_id: 'S-1' } },
    ]);
    expect(base.envelope.success).toBe(true);
    return w;
  }

  it('resolves links to entities of the same document, by submitter_id or id', () => {
    const w = fixtureWorld();
    const caseId = '6d1c2a7b-1b8a-4d55-9d4e-2d7a9b5b4f01';
    const r = w.upload([
      { type: 'sample', submitter_id: 'S', cases: { id: caseId } },
      { type: 'case', id: caseId, submitter_id: 'C', projects: { code: 'INTERNAL' } },
    ]);
    expect(r.envelope.success).toBe(true);
    expect(r.envelope.entities[0].related_cases).toEqual([{ id: caseId, submitter_id: 'C' }]);
    expect(w.store.get(r.envelope.entities[0].id!)!.links.cases).toEqual([caseId]);
  });

  it('reports a missing destination with its unique keys', () => {
    const w = world();
    const r = w.upload([{ type: 'sample', submitter_id: 'S-X', cases: { submitter_id: 'NOPE' } }]);
    expect(errorsOf(r)).toEqual([
      {
        keys: ['cases'],
        message: "No link destination found for cases, unique_keys='[{'project_id': 'GDC-INTERNAL', 'submitter_id': 'NOPE'}]'",
        type: 'INVALID_LINK',
      },
    ]);
    const byId = w.upload([{ type: 'sample', submitter_id: 'S-Y', cases: { id: '00000000-0000-4000-8000-000000000000' } }]);
    expect(errorsOf(byId)[0].message).toBe(
      "No link destination found for cases, id='00000000-0000-4000-8000-000000000000', unique_keys='[{'project_id': 'GDC-INTERNAL', 'submitter_id': None}]'",
    );
  });

  it("refuses two targets on a many_to_one link", () => {
    const r = world().upload([{ type: 'sample', submitter_id: 'S-3', cases: [{ submitter_id: 'C-1' }, { submitter_id: 'C-2' }] }]);
    expect(errorsOf(r)).toEqual([{ keys: ['cases'], message: "'cases' link has to be many_to_one", type: 'INVALID_LINK' }]);
  });

  it('refuses a second source on a one_to_one target', () => {
    const w = world();
    expect(w.upload([{ type: 'slide', submitter_id: 'SL-1', samples: { submitter_id: 'S-1' } }]).envelope.success).toBe(true);
    const r = w.upload([{ type: 'slide', submitter_id: 'SL-2', samples: { submitter_id: 'S-1' } }]);
    expect(errorsOf(r)).toEqual([
      { keys: ['samples'], message: "'samples' link has to be one_to_one, target node sample already has slides", type: 'INVALID_LINK' },
    ]);
  });

  it('refuses a target already held through a one_to_many link', () => {
    const w = world();
    expect(w.upload([{ type: 'read_group', submitter_id: 'RG-1', pools: [{ submitter_id: 'S-1' }, { submitter_id: 'S-2' }] }]).envelope.success).toBe(true);
    const r = w.upload([{ type: 'read_group', submitter_id: 'RG-2', pools: { submitter_id: 'S-2' } }]);
    expect(errorsOf(r)[0].message).toBe("'pools' link has to be one_to_many, target node sample already has read_groups");
  });

  it('requires required links, and one link of a required group', () => {
    const w = world();
    expect(errorsOf(w.upload([{ type: 'sample', submitter_id: 'S-N' }]))).toEqual([
      { keys: ['cases'], message: 'Entity is missing required link to cases', type: 'INVALID_LINK' },
    ]);
    expect(errorsOf(w.upload([{ type: 'aliquot', submitter_id: 'AL-N' }]))).toEqual([
      { keys: ['analytes', 'samples'], message: 'Entity is missing a required link to analytes or samples', type: 'INVALID_LINK' },
    ]);
  });

  it('refuses links to more than one member of an exclusive group', () => {
    const r = world().upload([{ type: 'aliquot', submitter_id: 'AL-2', analytes: { submitter_id: 'AN-1' }, samples: { submitter_id: 'S-1' } }]);
    const errors = errorsOf(r);
    expect(errors[0].type).toBe('INVALID_LINK');
    expect(errors[0].message).toMatch(/^Links to \['analytes', 'samples'\] are exclusive\.  More than one was provided: \[<AliquotDerivedFromAnalyte\(/);
    expect(errors.slice(1)).toEqual([
      { keys: [], message: 'AN-1', type: 'ERROR' },
      { keys: [], message: 'S-1', type: 'ERROR' },
    ]);
  });

  it('finds several destinations when a link names no complete key', () => {
    const r = world().upload([{ type: 'sample', submitter_id: 'S-Q', cases: { other: 'x' } }]);
    expect(errorsOf(r)).toContainEqual({ keys: ['cases'], message: 'More than one link destination found for cases', type: 'INVALID_LINK' });
  });

  it('refuses links into another project', () => {
    const w = world();
    const other = w.upload([{ type: 'case', submitter_id: 'C-A', projects: { code: 'ALCH' } }], { program: 'TCGA', project: 'ALCH' });
    expect(other.envelope.success).toBe(true);
    const r = w.upload([{ type: 'sample', submitter_id: 'S-P', cases: { id: other.envelope.entities[0].id } }]);
    expect(errorsOf(r)).toContainEqual(expect.objectContaining({ type: 'INVALID_LINK', message: expect.stringMatching(/^Relationship to case .* in project TCGA-ALCH not allowed$/) }));
    const project = w.upload([{ type: 'case', submitter_id: 'C-Z', projects: { code: 'ALCH' } }]);
    expect(errorsOf(project)).toContainEqual(expect.objectContaining({ type: 'INVALID_PERMISSIONS', message: 'Cannot link entity to project ALCH under INTERNAL endpoint' }));
  });

  it('refuses a submitter_id already used by another type in the project', () => {
    const r = world().upload([{ type: 'analyte', submitter_id: 'S-2', samples: { submitter_id: 'S-1' } }]);
    expect(errorsOf(r)).toEqual([
      { keys: ['project_id', 'submitter_id'], message: "analyte with {'project_id': 'GDC-INTERNAL', 'submitter_id': 'S-2'} already exists in the GDC", type: 'ERROR' },
    ]);
  });

  it('keeps existing links on update and cannot remove them', () => {
    const w = world();
    const r = w.upload([{ type: 'sample', submitter_id: 'S-1', is_ffpe: true }], { role: 'update' });
    expect(r.envelope.success).toBe(true);
    expect(r.envelope.entities[0].action).toBe('update');
    const node = w.store.get(r.envelope.entities[0].id!)!;
    expect(node.props.is_ffpe).toBe(true);
    expect(node.links.cases).toHaveLength(1);
  });
});
