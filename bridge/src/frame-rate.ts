/**
 * At most `limit` frames in any rolling `windowMs` (protocol §2.2: 50 per second per socket). A ring of the
 * last `limit` arrival times: a frame is admitted when the one `limit` frames back is older than the window.
 */
export class FrameRate {
  readonly #arrivals: Float64Array;
  #next = 0;
  #count = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {
    this.#arrivals = new Float64Array(limit);
  }

  /** Records a frame at `now` (ms); false for the one over the limit, which is not recorded. */
  admit(now: number): boolean {
    if (this.#count === this.limit && now - (this.#arrivals[this.#next] ?? 0) < this.windowMs) return false;
    this.#arrivals[this.#next] = now;
    this.#next = (this.#next + 1) % this.limit;
    if (this.#count < this.limit) this.#count++;
    return true;
  }
}
