// Leaving the process: nothing stuck on the main thread may keep it alive.
/*
 * Found by stopping `npm start` the way a supervisor does: SIGTERM, with the process's stdout a pipe whose reader had
 * already gone. The stop itself ran; then process.exit ran pino's last flush (sonic-boom's flushSync, registered for
 * the 'exit' event), which retries a write that fails with EPIPE, or EAGAIN while a reader lets the pipe fill, forever
 * in a synchronous loop. The main thread never came back to its event loop, so the stop's own deadline, a timer, never
 * fired: the process stayed, answering nothing, until it was killed. Two defences, both here:
 * - before process.exit the log's last write is given a moment to finish: a broken pipe then surfaces as an error
 *   event, on which pino stops writing and makes its final flush a no-op;
 * - a watchdog thread, armed before every exit, kills the process (SIGKILL) when it is still there after a grace period.
 *   A worker thread runs whatever the main thread is doing: a synchronous loop, a wedged WebAssembly call, Atomics.wait.
 */
import { Worker } from 'node:worker_threads'

/** How long an exit may take once process.exit was called (the final flush, exit handlers) before the watchdog acts. */
export const EXIT_GRACE_MS = 2_000

/**
 * Starts a thread that sends SIGKILL to this process after `ms`. Unreferenced: a process that ends on its own does not
 * wait for it. Safe to call more than once (the earliest one acts).
 */
export function armExitWatchdog (ms: number): void {
  const watchdog = new Worker(
    "const { workerData } = require('node:worker_threads'); setTimeout(() => process.kill(workerData.pid, 'SIGKILL'), workerData.ms)",
    { eval: true, workerData: { pid: process.pid, ms }, stdout: false, stderr: false },
  )
  watchdog.unref()
  // A watchdog that cannot start (no threads left) leaves the process as it was before: nothing to report.
  watchdog.on('error', () => {})
}

/** The log's destination as far as exitProcess needs it (pino's default, a sonic-boom stream, emits these events). */
export interface LogStream { once: (event: 'drain' | 'error', listener: () => void) => unknown }

/**
 * Gives the log's last asynchronous write the time to finish: resolves on the stream's 'drain' (written) or 'error'
 * (a broken pipe: pino then stops writing and its final flush does nothing), or after `ms`.
 */
export function settleLog (stream: LogStream | undefined, ms = 250): Promise<void> {
  if (typeof stream?.once !== 'function') return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    const done = () => { clearTimeout(timer); resolve() }
    stream.once('drain', done)
    stream.once('error', done)
  })
}

/**
 * Ends the process with `code`: lets the log settle (at most a quarter of a second) when its stream is given, arms the
 * watchdog, then process.exit. The process is gone within EXIT_GRACE_MS of process.exit, whatever its exit handlers do.
 */
export async function exitProcess (code: number, logStream?: LogStream): Promise<never> {
  if (logStream) await settleLog(logStream)
  armExitWatchdog(EXIT_GRACE_MS)
  process.exit(code)
}

/**
 * Calls `onGone` once when the process that started this one has ended (the parent process id changes: this process
 * was handed to init or a subreaper). `npm start` killed outright (SIGKILL) passes nothing on, and the server left
 * behind would keep the port and the database with nobody to stop it. The caller arms it only for a launcher whose
 * end means "stop" (server/index.ts: npm start); never when started by init (ppid 0 or 1).
 */
export function watchLauncher (onGone: () => void, intervalMs = 1_000): void {
  const launcher = process.ppid
  if (launcher <= 1) return
  const timer = setInterval(() => {
    if (process.ppid === launcher) return
    clearInterval(timer)
    onGone()
  }, intervalMs)
  timer.unref()
}
