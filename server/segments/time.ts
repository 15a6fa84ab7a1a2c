// Calendar days in the shop's time zone, turned into UTC instants so date conditions stay index-friendly.

export function localParts (at: Date, timeZone: string) {
  const parts: Record<string, number> = {}
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23',
  })
  for (const p of format.formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value)
  return parts as { year: number, month: number, day: number, hour: number, minute: number, second: number }
}

/** Minutes the zone is ahead of UTC at that instant (+420 for Asia/Ho_Chi_Minh). */
export function offsetMinutes (at: Date, timeZone: string): number {
  const p = localParts(at, timeZone)
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60000)
}

/** The UTC instant at which the local calendar day `daysFromToday` (0 = today, -1 = yesterday) starts. */
export function startOfLocalDay (now: Date, timeZone: string, daysFromToday: number): Date {
  const today = localParts(now, timeZone)
  const midnightAsUtc = Date.UTC(today.year, today.month - 1, today.day + daysFromToday)
  // Two passes settle the offset even when the day starts next to a DST change.
  let guess = midnightAsUtc - offsetMinutes(new Date(midnightAsUtc), timeZone) * 60000
  guess = midnightAsUtc - offsetMinutes(new Date(guess), timeZone) * 60000
  return new Date(guess)
}
