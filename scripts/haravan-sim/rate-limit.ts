// Haravan's per-shop leaky bucket: 80 calls, leaking 4 per second; the 81st immediate call gets 429.
export interface BucketConfig { bucket: number, leakPerSecond: number }

export class LeakyBuckets {
  private readonly levels = new Map<string, { level: number, at: number }>()
  constructor (private readonly config: BucketConfig, private readonly now: () => Date) {}

  private drain (key: string): { level: number, at: number } {
    const t = this.now().getTime()
    const state = this.levels.get(key) ?? { level: 0, at: t }
    const leaked = Math.max(0, (t - state.at) / 1000) * this.config.leakPerSecond
    state.level = Math.max(0, state.level - leaked)
    state.at = t
    this.levels.set(key, state)
    return state
  }

  /** Counts one call; false when the bucket is full (the call is refused and not counted). */
  take (key: string): { allowed: boolean, header: string } {
    const state = this.drain(key)
    const allowed = state.level + 1 <= this.config.bucket
    if (allowed) state.level += 1
    return { allowed, header: `${Math.ceil(state.level)}/${this.config.bucket}` }
  }

  reset (key: string): void {
    this.levels.delete(key)
  }
}
