/**
 * MAX_INFLIGHT_BODY_BYTES (issue 18): the bytes of request bodies the whole process holds at once.
 * Each request's cap (MAX_REQUEST_BYTES) alone does not bound memory: N concurrent requests hold N
 * bodies. A request reserves what it declares (Content-Length) before a byte is read, and then
 * whatever it holds beyond that as it arrives (a chunked or compressed body); it gives all of it
 * back when its answer is done. A request that does not fit is refused (503 + Retry-After).
 */
export class InflightBytes {
  private heldNow = 0;

  constructor(readonly max: number) {}

  /** Takes `bytes` if they fit; false (nothing taken) if not. */
  take(bytes: number): boolean {
    if (bytes <= 0) return true;
    if (this.heldNow + bytes > this.max) return false;
    this.heldNow += bytes;
    return true;
  }

  give(bytes: number): void {
    this.heldNow = Math.max(0, this.heldNow - bytes);
  }

  /** Bytes held by every request now (metrics, tests). */
  get held(): number {
    return this.heldNow;
  }
}
