// An app listening on a port, wired to a fresh simulator, and the browser steps of the OAuth install.
import type { AddressInfo } from 'node:net'
import type { HaravanSim, SimOptions } from '../../scripts/haravan-sim/index.ts'
import type { App } from '../../server/app.ts'
import { build, type Built } from '../helper.ts'
import { CLIENT_ID, CLIENT_SECRET, simFor, VERIFY_TOKEN } from '../haravan-sim/helpers.ts'

export const ORG = '1000000001'

interface Tap { teardown: (fn: () => unknown) => void }

export interface Wired extends Built { sim: HaravanSim, base: string }

/** The sim plays Haravan; the app runs with its real credentials (not sandbox) and listens on port 0. */
export async function appWithSim (t: Tap, opts: { sim?: Partial<SimOptions>, env?: NodeJS.ProcessEnv } = {}): Promise<Wired> {
  const sim = await simFor(t, opts.sim)
  sim.addShop({ orgid: ORG, name: 'Cửa hàng Demo' })
  const built = await build(t, {
    installShop: false,
    env: {
      HARAVAN_CLIENT_ID: CLIENT_ID,
      HARAVAN_CLIENT_SECRET: CLIENT_SECRET,
      HARAVAN_WEBHOOK_VERIFY_TOKEN: VERIFY_TOKEN,
      HARAVAN_ACCOUNTS_URL: sim.accountsUrl,
      HARAVAN_API_URL: sim.apiUrl,
      HARAVAN_WEBHOOK_API_URL: sim.webhookApiUrl,
      ...opts.env,
    },
  })
  await built.app.listen({ port: 0, host: '127.0.0.1' })
  return { ...built, sim, base: baseUrl(built.app) }
}

export function baseUrl (app: App): string {
  const addr = app.server.address() as AddressInfo
  return `http://127.0.0.1:${addr.port}`
}

export async function startInstall (base: string, query = `orgid=${ORG}`): Promise<string> {
  const res = await fetch(`${base}/install/start?${query}`, { redirect: 'manual' })
  if (res.status !== 302) throw new Error(`/install/start answered ${res.status}`)
  return res.headers.get('location') ?? ''
}

export interface FormPost { action: string, fields: Record<string, string> }

/** The simulated accounts page, as JSON instead of the auto-submitting form. */
export async function authorizeAt (location: string): Promise<FormPost> {
  const res = await fetch(location, { headers: { accept: 'application/json' } })
  if (res.status !== 200) throw new Error(`authorize answered ${res.status}: ${await res.text()}`)
  return await res.json() as FormPost
}

/** Submits the form_post to the app (where it listens, whatever APP_URL says). */
export async function submit (base: string, post: FormPost): Promise<Response> {
  return await fetch(`${base}${new URL(post.action).pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(post.fields).toString(),
    redirect: 'manual',
  })
}

/** The whole install as a browser would do it; returns the session token from the final redirect. */
export async function installThroughApp (base: string, orgid = ORG): Promise<string> {
  const login = await submit(base, await authorizeAt(await startInstall(base, `orgid=${orgid}`)))
  const next = login.headers.get('location') ?? ''
  if (login.status !== 302) throw new Error(`/install/login answered ${login.status}: ${await login.text()}`)
  if (next.startsWith('/#token=')) return next.slice(8)
  const done = await submit(base, await authorizeAt(next))
  const location = done.headers.get('location') ?? ''
  if (done.status !== 302 || !location.startsWith('/#token=')) throw new Error(`/install/grandservice answered ${done.status}: ${await done.text()}`)
  return location.slice(8)
}
