// Stopping the server the ways a supervisor and a terminal do: through `npm start`, with a log pipe nobody reads or
// that broke, and by killing npm outright. Each runs the built server (dist/server/index.js, what npm start runs) on
// the embedded database in a directory of its own.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import t from 'tap'
import { freePort } from '../helper.ts'

const root = resolve(import.meta.dirname, '../..')
const entry = join(root, 'dist/server/index.js')

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** The environment of a server on the embedded database, without Haravan credentials (sandbox, no demo data). */
async function serverEnv () {
  const port = await freePort()
  return { port, env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), DATA_DIR: mkdtempSync(join(tmpdir(), 'tich-diem-stop-')), SANDBOX_DEMO_DATA: '0' } }
}

async function healthy (port: number): Promise<void> {
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return
    } catch {}
    await sleep(200)
  }
  throw new Error('the server did not become healthy')
}

/** The pid of the server process listening on `port` (a child of npm, found by its environment). */
function serverPid (port: number): number {
  for (const pid of execFileSync('pgrep', ['-f', 'dist/server/index.js']).toString().trim().split('\n').map(Number)) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`PORT=${port}`) && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'node') return pid
    } catch {}
  }
  throw new Error(`no server process on port ${port}`)
}

/** Milliseconds until `pid` is gone, or undefined when it is still there after `ms` (then it is killed). */
async function goneWithin (pid: number, ms: number): Promise<number | undefined> {
  const started = Date.now()
  while (Date.now() - started < ms) {
    if (!alive(pid)) return Date.now() - started
    await sleep(50)
  }
  process.kill(pid, 'SIGKILL')
  return undefined
}

function exited (child: ChildProcess): Promise<{ code: number | null, signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode })
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
}

// Five servers started and stopped one after another, each up to 15 s to stop: more than the suite's 120 s a file.
t.setTimeout(300_000)

t.before(() => {
  // What `npm start`'s prestart builds (the server bundle alone is enough here), from the code under test.
  execFileSync('npm', ['run', 'build:server'], { cwd: root, stdio: 'ignore' })
})

t.test('npm start passes SIGTERM on to the server, which stops cleanly', async (t) => {
  const { port, env } = await serverEnv()
  // --ignore-scripts skips prestart (the full build), not the start script itself.
  const npm = spawn('npm', ['start', '--ignore-scripts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  npm.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  npm.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  t.teardown(() => { if (npm.exitCode === null) npm.kill('SIGKILL') })
  await healthy(port)
  // Once the sandbox's demo shop is installed: the stop then meets a server at rest.
  for (let i = 0; i < 300 && !output.includes('Sandbox: open'); i++) await sleep(100)
  const pid = serverPid(port)
  npm.kill('SIGTERM')
  const ms = await goneWithin(pid, 15_000)
  t.ok(ms !== undefined, `the server stopped (${ms} ms)`)
  t.same(await exited(npm), { code: 0, signal: null }, 'npm start ended with status 0')
  t.match(output, /"msg":"shutting down[^"]*".*"msg":"bye"/s, 'the graceful stop ran to its end')
})

t.test('a server whose log pipe nobody reads keeps answering and still stops on SIGTERM', async (t) => {
  const { port, env } = await serverEnv()
  // stdout and stderr are pipes this test never reads: once full, every log write would wait forever.
  const server = spawn(process.execPath, ['--enable-source-maps', entry], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  server.stdout!.pause()
  server.stderr!.pause()
  t.teardown(() => { if (server.exitCode === null) server.kill('SIGKILL') })
  await healthy(port)
  // Each request is logged (a few hundred bytes): far more than a pipe holds.
  for (let i = 0; i < 2_000; i += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, j) => fetch(`http://127.0.0.1:${port}/api/members?page=${i + j}`).then((r) => r.arrayBuffer())))
  }
  t.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200, 'healthz answers while the log cannot be written')
  server.kill('SIGTERM')
  const ms = await goneWithin(server.pid!, 15_000)
  t.ok(ms !== undefined, `the process ended within 15 s of SIGTERM (${ms} ms)`)
})

t.test('a server whose log pipe broke during the stop still ends', async (t) => {
  const { port, env } = await serverEnv()
  const server = spawn(process.execPath, ['--enable-source-maps', entry], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { if (server.exitCode === null) server.kill('SIGKILL') })
  let output = ''
  // The reader goes away once the stop has begun: the last lines meet a broken pipe.
  server.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString()
    if (output.includes('shutting down')) {
      server.stdout!.destroy()
      server.stderr!.destroy()
    }
  })
  server.stderr!.resume()
  await healthy(port)
  server.kill('SIGTERM')
  const ms = await goneWithin(server.pid!, 15_000)
  t.ok(ms !== undefined, `the process ended within 15 s of SIGTERM (${ms} ms)`)
})

t.test('npm killed outright: the server it started stops instead of staying as an orphan', async (t) => {
  const { port, env } = await serverEnv()
  const npm = spawn('npm', ['start', '--ignore-scripts'], { cwd: root, env, stdio: 'ignore' })
  t.teardown(() => { if (npm.exitCode === null) npm.kill('SIGKILL') })
  await healthy(port)
  const pid = serverPid(port)
  npm.kill('SIGKILL')
  const ms = await goneWithin(pid, 15_000)
  t.ok(ms !== undefined, `the server stopped after its launcher was killed (${ms} ms)`)
  const stillListening = await fetch(`http://127.0.0.1:${port}/healthz`).then(() => true, () => false)
  t.notOk(stillListening, 'the port is free again')
})

t.test('a server started on its own (not by npm start) outlives the shell that started it', async (t) => {
  const { port, env } = await serverEnv()
  // The shell starts the server in the background and ends soon after, as `nohup node … &` in a script does. It waits
  // a moment first, so that the server has seen it as its parent before it goes.
  const pid = Number(execFileSync('sh', ['-c', `node --enable-source-maps '${entry}' > /dev/null 2>&1 & echo $!; sleep 2`], { cwd: root, env }).toString().trim())
  t.teardown(() => { if (alive(pid)) process.kill(pid, 'SIGKILL') })
  await healthy(port)
  await sleep(2_500)
  t.ok(alive(pid), 'still running after its shell ended')
  t.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200, 'and still answering')
  process.kill(pid, 'SIGTERM')
  t.ok(await goneWithin(pid, 15_000) !== undefined, 'it stops on SIGTERM')
})
