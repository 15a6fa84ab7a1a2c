// Client-side copy of Haravan's per-shop leaky bucket (80 calls, leaking 4/s), so the app waits instead of collecting 429s.

export interface BucketOptions {
  capacity?: number
  leakPerSecond?: number
  /** Calls kept free below the capacity: the server's clock and ours never agree exactly. */
  headroom?: number
  clock?: () => Date
  sleep?: (ms: number) => Promise<void>
}

interface Level { level: number, at: number }

export class ShopBuckets {
  private readonly levels = new Map<string, Level>()
  private readonly leakPerSecond: number
  private readonly headroom: number
  private capacity: number
  private readonly clock: () => Date
  private readonly sleep: (ms: number) => Promise<void>

  constructor (opts: BucketOptions = {}) {
    this.capacity = opts.capacity ?? 80
    this.leakPerSecond = opts.leakPerSecond ?? 4
    this.headroom = opts.headroom ?? 3
    this.clock = opts.clock ?? (() => new Date())
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
  }

  private drain (shopId: string): Level {
    const now = this.clock().getTime()
    const state = this.levels.get(shopId) ?? { level: 0, at: now }
    state.level = Math.max(0, state.level - Math.max(0, now - state.at) / 1000 * this.leakPerSecond)
    state.at = now
    this.levels.set(shopId, state)
    return state
  }

  /** The current (leaked) level, for logs and tests. */
  level (shopId: string): number {
    return this.drain(shopId).level
  }

  /** Waits until one more call fits, then counts it. Concurrent callers each reserve their own slot. */
  async take (shopId: string): Promise<void> {
    for (;;) {
      const state = this.drain(shopId)
      const limit = this.capacity - this.headroom
      if (state.level + 1 <= limit) {
        state.level += 1
        return
      }
      const waitMs = Math.ceil((state.level + 1 - limit) / this.leakPerSecond * 1000)
      await this.sleep(Math.max(waitMs, 10))
    }
  }

  /** Adopts the server's count from `X-Haravan-Api-Call-Limit: used/max` when it is ahead of ours (another consumer). */
  observe (shopId: string, header: string | undefined): void {
    const m = header ? /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+)\s*$/.exec(header) : null
    if (!m) return
    const used = Number(m[1])
    const max = Number(m[2])
    if (max > 0) this.capacity = max
    const state = this.drain(shopId)
    if (used > state.level) state.level = used
  }

  /** After a 429 the bucket is full whatever we thought. */
  fill (shopId: string): void {
    this.drain(shopId).level = this.capacity
  }
}
