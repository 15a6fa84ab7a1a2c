// The process entry: env → database → migrations → jobs → HTTP → (sandbox) → graceful close on SIGINT/SIGTERM.
import type PgBoss from 'pg-boss'
import { pino } from 'pino'
import { openDatabase, type Database } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { buildApp, loggerOptions, type App } from './app.ts'
import { ConfigError, loadConfig, type Config } from './config.ts'
import { armExitWatchdog, EXIT_GRACE_MS, exitProcess, watchLauncher, type LogStream } from './exit.ts'
import { startBoss, stopBoss } from './jobs/boss.ts'
import { sandboxBanner, startSandbox, type Sandbox } from './sandbox.ts'

/** How long a graceful stop may take before the process exits regardless. */
const SHUTDOWN_DEADLINE_MS = 10_000
/** A signal within this time of the first is the same stop delivered twice, not a second request to stop now. */
const REPEATED_SIGNAL_MS = 2_000

function readConfig (): Config {
  try {
    return loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Tích Điểm cannot start.\n${err.message}`)
      armExitWatchdog(EXIT_GRACE_MS)
      process.exit(1)
    }
    throw err
  }
}

async function main () {
  const config = readConfig()
  const pretty = !config.isProduction && process.stdout.isTTY
  const log = pino({
    ...loggerOptions(config) as object,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  })

  const logStream = (log as unknown as Record<symbol, LogStream | undefined>)[pino.symbols.streamSym]

  // Filled in as start-up proceeds; a signal at any point closes what exists so far.
  const running: { database?: Database, boss?: PgBoss, app?: App, sandbox?: Sandbox } = {}
  let closingSince: number | undefined
  const shutdown = async (signal: string) => {
    if (closingSince !== undefined) {
      // The same stop delivered twice is one stop: Ctrl-C reaches both npm and the server, and npm passes its copy on.
      if (performance.now() - closingSince < REPEATED_SIGNAL_MS) return
      log.warn('second signal: exiting without waiting')
      armExitWatchdog(EXIT_GRACE_MS)
      process.exit(1)
    }
    closingSince = performance.now()
    log.info({ signal }, 'shutting down: finishing requests and running jobs')
    // Whatever is stuck (a request, a job, a database that stopped answering), the process ends within the deadline:
    // the timer when the event loop still turns, the watchdog thread (server/exit.ts) when something blocks it.
    armExitWatchdog(SHUTDOWN_DEADLINE_MS + EXIT_GRACE_MS)
    setTimeout(() => {
      log.error({ seconds: SHUTDOWN_DEADLINE_MS / 1000 }, 'shutdown did not finish within the deadline: exiting anyway')
      armExitWatchdog(EXIT_GRACE_MS)
      process.exit(1)
    }, SHUTDOWN_DEADLINE_MS).unref()
    try {
      // Closing the app also stops the job queue gracefully (an onClose hook in buildApp).
      if (running.app) await running.app.close()
      else if (running.boss) await stopBoss(running.boss)
      // The simulator after the app: the requests and jobs in hand may still call it (a stop during the sandbox's
      // install used to close it under the install's own API calls, which then retried until the deadline).
      await running.sandbox?.close()
      await running.database?.close()
      log.info('bye')
      await exitProcess(0, logStream)
    } catch (err) {
      log.error({ err }, 'error during shutdown')
      await exitProcess(1, logStream)
    }
  }
  process.on('SIGINT', () => { shutdown('SIGINT').catch(() => exitProcess(1)) })
  process.on('SIGTERM', () => { shutdown('SIGTERM').catch(() => exitProcess(1)) })
  // Only under `npm start` (npm names the script it runs): a server started on its own and left to run when its
  // shell exits (nohup, `&`, a detached spawn) is meant to outlive that shell.
  if (process.env.npm_lifecycle_event === 'start') watchLauncher(() => { shutdown('npm start gone').catch(() => exitProcess(1)) })

  const database = running.database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  log.info({ database: database.kind === 'postgres' ? 'postgres' : `pglite in ${config.dataDir}` }, 'database opened')
  const { applied } = await migrate(database.db)
  log.info({ applied }, 'migrations done')

  // In sandbox the simulator must listen before anything uses the Haravan URLs. It is loaded only here and only then:
  // a production start never evaluates it.
  if (config.haravan.sandbox) {
    const { startHaravanSim } = await import('../scripts/haravan-sim/index.ts')
    running.sandbox = await startSandbox(config, log, startHaravanSim)
  }
  const sandbox = running.sandbox
  const boss = running.boss = await startBoss(database, { onError: (err) => log.error({ err }, 'job queue error') })
  const app = running.app = await buildApp({ config: sandbox?.config ?? config, database, boss, logger: log })
  await app.listen({ port: config.port, host: config.host })
  if (sandbox) {
    // Besides the log line (JSON when stdout is not a terminal), the URL on a plain line of its own.
    const banner = sandboxBanner(await sandbox.installDemoShops(app))
    if (banner !== '') process.stdout.write(banner)
  }
}

main().catch((err) => {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    console.error(`Tích Điểm cannot start: ${code === 'EADDRINUSE' ? 'the address is already in use' : 'permission denied'} (${(err as Error).message}). Set PORT / HOST to another address.`)
  } else {
    console.error(err)
  }
  return exitProcess(1)
})
