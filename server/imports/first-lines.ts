// Repeated phones within one file, found while it is read: the first line of every phone seen so far, in typed arrays.
/*
 * A phone is E.164 ('+' and at most 15 digits, no leading zero), so its digits are an exact double: a slot is a
 * Float64 key and an Int32 line, 12 bytes, in an open-addressing table kept at most 3/4 full (1,000,000 phones:
 * 2^21 slots, 24 MB). Up to `limit` distinct phones; past it (or for a phone that is not E.164) the table gives up,
 * answers null from then on, and the preview marks the whole file's duplicates in SQL instead (markDuplicates in
 * preview.ts), so memory stays bounded whatever the file's size. Lines the table already answered are consistent with
 * that pass: their first line is the smallest line of their phone, as the SQL computes it.
 */

const E164 = /^\+[1-9]\d{0,14}$/
const TWO_32 = 4294967296

export class FirstLines {
  #keys: Float64Array
  #lines: Int32Array
  #size = 0
  #gaveUp = false
  readonly #limit: number

  constructor (limit = 1_500_000) {
    this.#limit = limit
    this.#keys = new Float64Array(1 << 12)
    this.#lines = new Int32Array(1 << 12)
  }

  /** True once the table stopped answering: the caller must find the duplicates some other way. */
  get gaveUp (): boolean { return this.#gaveUp }

  /**
   * The first line `phone` was seen on (lines are offered in increasing order): `line` itself when the phone is new,
   * an earlier line when it repeats; null once the table has given up.
   */
  firstLine (phone: string, line: number): number | null {
    if (this.#gaveUp) return null
    if (!E164.test(phone)) return this.#giveUp()
    const key = Number(phone.slice(1))
    let slot = this.#find(key)
    const seen = this.#keys[slot] as number
    if (seen === key) return this.#lines[slot] as number
    if (this.#size >= this.#limit) return this.#giveUp()
    if ((this.#size + 1) * 4 > this.#keys.length * 3) {
      this.#grow()
      slot = this.#find(key)
    }
    this.#keys[slot] = key
    this.#lines[slot] = line
    this.#size++
    return line
  }

  #giveUp (): null {
    this.#gaveUp = true
    this.#keys = new Float64Array(0)
    this.#lines = new Int32Array(0)
    return null
  }

  // The slot holding key, or the empty slot (0: no E.164 number is 0) where it belongs.
  #find (key: number): number {
    const mask = this.#keys.length - 1
    let slot = hash(key) & mask
    for (;;) {
      const k = this.#keys[slot] as number
      if (k === key || k === 0) return slot
      slot = (slot + 1) & mask
    }
  }

  #grow (): void {
    const keys = this.#keys
    const lines = this.#lines
    this.#keys = new Float64Array(keys.length * 2)
    this.#lines = new Int32Array(keys.length * 2)
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as number
      if (k === 0) continue
      const slot = this.#find(k)
      this.#keys[slot] = k
      this.#lines[slot] = lines[i] as number
    }
  }
}

// Both 32-bit halves of the number, mixed (murmur3's finaliser): consecutive phones spread over the table.
function hash (key: number): number {
  let h = Math.imul((key % TWO_32) ^ Math.imul(Math.floor(key / TWO_32), 0x9e3779b1), 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}
