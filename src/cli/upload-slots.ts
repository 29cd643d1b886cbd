import { GatewayError } from './gateway-client';

/** How long one file waits, all pauses together, for the gateway to have an upload slot free. */
const BUSY_WAIT_MS = 10 * 60_000;

/** The gateway refused the upload because its upload slots (MAX_CONCURRENT_UPLOADS) were all taken: send it again later. */
export function uploadSlotsBusy(err: unknown): boolean {
  return err instanceof GatewayError && err.errors.some((e) => e.extensions?.code === 'LIMIT_EXCEEDED' && e.extensions?.limit === 'MAX_CONCURRENT_UPLOADS');
}

/**
 * Sends an upload, and again after a pause (0.5 s doubling to 5 s, for up to 10 minutes in all)
 * each time the gateway answers that its upload slots are all taken: a gateway busy with other
 * uploads refuses one at once rather than queue its bytes (its slots bound its memory).
 * `onBusy` runs before each pause (the attempt's progress bar is dropped there).
 */
export async function sendWhenSlotFree<T>(send: () => Promise<T>, onBusy: () => void = () => undefined): Promise<T> {
  for (let waited = 0, delay = 500; ; waited += delay, delay = Math.min(delay * 2, 5000)) {
    try {
      return await send();
    } catch (err) {
      if (!uploadSlotsBusy(err) || waited >= BUSY_WAIT_MS) throw err;
      onBusy();
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
