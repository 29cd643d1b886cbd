import type { JobModel, JobReader } from './updates';
import type { JobStore } from './store';

/** JobReader over the store: another caller's job reads as missing, so its existence does not leak (NOT_FOUND). */
export class StoreJobReader implements JobReader {
  constructor(private readonly store: JobStore) {}

  async get(id: string, owner: string): Promise<JobModel | null> {
    const job = await this.store.get(id);
    return job && job.owner === owner ? job : null;
  }
}
