import { createHash } from 'node:crypto';
import type { GraphStore } from './store';
import { timestamp } from './clock';

/** RFC 4122 name-based (SHA-1) UUID: stable ids for the administrative nodes across restarts. */
export function uuidV5(name: string, namespace = '6ba7b811-9dad-11d1-80b4-00c04fd430c8'): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(Buffer.concat([ns, Buffer.from(name, 'utf8')])).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export interface ProjectRef {
  program: string;
  project: string;
}

export function splitProjectId(projectId: string): ProjectRef {
  const dash = projectId.indexOf('-');
  if (dash <= 0 || dash === projectId.length - 1) throw new Error(`GDC project id must be PROGRAM-PROJECT, got '${projectId}'`);
  return { program: projectId.slice(0, dash), project: projectId.slice(dash + 1) };
}

/** Programs and projects are administrative (GDC creates them); the sandbox creates one per configured project. */
export function seedProjects(store: GraphStore, projectIds: string[]): void {
  const now = timestamp();
  for (const projectId of projectIds) {
    const { program, project } = splitProjectId(projectId);
    const programId = uuidV5(`program/${program}`);
    if (!store.get(programId)) {
      store.put({
        id: programId,
        type: 'program',
        project_id: null,
        props: { name: program, dbgap_accession_number: `phs-sandbox-${program}`, created_datetime: now, updated_datetime: now },
        links: {},
      });
    }
    store.put({
      id: uuidV5(`project/${projectId}`),
      type: 'project',
      project_id: null,
      props: {
        code: project,
        name: projectId,
        state: 'open',
        dbgap_accession_number: `phs-sandbox-${projectId}`,
        released: false,
        releasable: false,
        created_datetime: now,
        updated_datetime: now,
      },
      links: { programs: [programId] },
    });
  }
}

export function findProject(store: GraphStore, program: string, project: string) {
  const node = store.get(uuidV5(`project/${program}-${project}`));
  return node && node.props.code === project ? node : undefined;
}
