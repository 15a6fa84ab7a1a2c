// Wall-clock time in the shop's timezone ↔ instants, so a schedule picked in the admin means the shop's local time.

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter (timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    formatters.set(timeZone, f)
  }
  return f
}

/** The wall clock in timeZone at the instant ms, read as if it were UTC (ms). */
function wallClock (ms: number, timeZone: string): number {
  const parts: Record<string, number> = {}
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value)
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!)
}

/** How far timeZone's clock is ahead of UTC at the instant ms. */
function offsetAt (ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000
  return wallClock(whole, timeZone) - whole
}

/** 'YYYY-MM-DDTHH:mm' (a datetime-local value) as a wall-clock time in timeZone → ISO instant, or null if malformed. */
export function zonedLocalToIso (local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local)
  if (!m) return null
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]))
  if (Number.isNaN(asUtc)) return null
  // The offset at the guess can differ from the offset at the answer near a DST change: correct once more.
  let instant = asUtc - offsetAt(asUtc, timeZone)
  const second = offsetAt(instant, timeZone)
  instant = asUtc - second
  return new Date(instant).toISOString()
}

/** The instant ms as a datetime-local value ('YYYY-MM-DDTHH:mm') on timeZone's wall clock. */
export function isoToZonedLocal (ms: number, timeZone: string): string {
  return new Date(wallClock(ms, timeZone)).toISOString().slice(0, 16)
}
