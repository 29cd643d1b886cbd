import type { GatewayContext } from '../../context';
import type { SubmissionResultModel, TransactionChunkModel } from '../../services/result';
import type { JobSpec } from '../spec';
import type { JobOutcome } from '../store';

/** One piece of a job's work, answered: its entities numbered by input position, recorded in one store transaction. */
export interface WorkSlice {
  result: SubmissionResultModel;
  /** GDC: the transaction this slice was. */
  chunk: TransactionChunkModel | null;
  /** How far the job is once this slice is recorded (entities in send order): where a resume continues. */
  doneAfter: number;
  /** The rest must not be sent (a GDC chunk failed and later ones may link to what it should have made). */
  stop: boolean;
  /** uploadFile: bytes sent. */
  bytes?: number;
}

export interface JobWork {
  total: number;
  /** uploadFile: the spooled file's size. */
  bytesTotal?: number;
  slices: AsyncGenerator<WorkSlice>;
}

export interface WorkStart {
  spec: JobSpec;
  /** The spooled document. */
  documentPath: string;
  /** Entities already recorded (progress.done): skipped. */
  done: number;
  /** The job ran before this start (a restart or resumeJob): the first slice may have landed unrecorded. */
  resumed: boolean;
  /** A fresh request context (the owner's credentials) for each slice, so per-operation budgets apply per slice. */
  context: () => Promise<GatewayContext>;
  /** Outcomes already recorded with row > afterRow, in row order (a resumed job reads what earlier slices settled). */
  recorded: (afterRow: number, first: number) => Promise<JobOutcome[]>;
  /** uploadFile: the bytes in the upstream so far, while a slice is under way (a resumed upload starts at what an earlier run sent). */
  bytesDone?: (bytes: number) => Promise<void>;
}
