// CPU accounting for the benchmarks, from /proc (Linux): what each side of a run cost, not only how long it took.
import { readdirSync, readFileSync } from 'node:fs'

/** CPU seconds (user + system) a process has used, from /proc (Linux); 0 where it cannot be read. */
export function cpuSeconds (pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
  } catch { return 0 }
}

/** CPU seconds used so far by every Postgres process (one that has exited no longer counts). */
export function postgresCpuSeconds (): number {
  let pg = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pg += cpuSeconds(Number(entry))
    } catch { /* gone */ }
  }
  return pg
}

/** CPU seconds used so far by this process. */
export function ownCpuSeconds (): number {
  const own = process.cpuUsage()
  return (own.user + own.system) / 1e6
}
