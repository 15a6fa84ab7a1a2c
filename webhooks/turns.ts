// Parsing a delivery waits for its own turn of the event loop, so a batch's database answers are never queued behind
// a burst of requests being parsed.
/*
 * Why: with one batch in flight, the next batch's deliveries arrive while the database runs the current one. Parsing
 * them all in the poll phase that received them (JSON, cleaning, the schema, the row for the batch: ~0.1 ms each)
 * left the database's answer waiting behind up to a batch of them, and that wait was on the batch's critical path.
 * One parse per turn lets the loop poll between two: the database's answer waits at most one parse.
 */
export class LoopTurns {
  private readonly waiting: (() => void)[] = []
  private scheduled = false

  /** Resolves in a turn of the event loop of its own (setImmediate), one caller per turn, in the order they asked. */
  next (): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve)
      this.schedule()
    })
  }

  private schedule (): void {
    if (this.scheduled || this.waiting.length === 0) return
    this.scheduled = true
    setImmediate(this.run)
  }

  private readonly run = (): void => {
    this.scheduled = false
    this.waiting.shift()?.()
    this.schedule()
  }
}
