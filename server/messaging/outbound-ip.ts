// Which IP VietGuys sees us from (it only accepts whitelisted source IPs): OUTBOUND_IP, else an echo service, else
// the local address of a connection to the SMS endpoint itself.
import { connect } from 'node:net'
import { request } from 'undici'

export interface OutboundIp {
  ip: string
  /** how it was found: stated by the operator, seen by an echo service, or our end of a connection to the provider */
  how: 'configured' | 'echo' | 'local'
}

let cached: { value: OutboundIp, at: number } | undefined
const TTL_MS = 60 * 60 * 1000
const IP = /^[0-9a-f.:]{3,45}$/i

async function askEcho (url: string): Promise<string | null> {
  try {
    const res = await request(url, { headersTimeout: 3000, bodyTimeout: 3000 })
    const ip = (await res.body.text()).trim()
    return res.statusCode === 200 && IP.test(ip) ? ip : null
  } catch {
    return null
  }
}

/** Our address on a TCP connection to `url`'s host: the public IP on a server without NAT, a private one behind it. */
function localAddressTowards (url: string): Promise<string | null> {
  return new Promise((resolve) => {
    let u: URL
    try { u = new URL(url) } catch { resolve(null); return }
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80))
    const socket = connect({ host: u.hostname.replace(/^\[|\]$/g, ''), port, timeout: 3000 })
    const done = (ip: string | null) => { socket.destroy(); resolve(ip) }
    socket.once('connect', () => done(socket.localAddress?.replace(/^::ffff:/, '') ?? null))
    socket.once('timeout', () => done(null))
    socket.once('error', () => done(null))
  })
}

/** The server's IP as the SMS provider should see it, or null when nothing answers within a few seconds. */
export async function outboundIp (opts: { outboundIp: string | undefined, ipEchoUrl: string, vietguysApiUrl?: string }, now = Date.now()): Promise<OutboundIp | null> {
  if (opts.outboundIp) return { ip: opts.outboundIp, how: 'configured' }
  if (cached && now - cached.at < TTL_MS) return cached.value
  const echoed = await askEcho(opts.ipEchoUrl)
  const local = echoed ? null : opts.vietguysApiUrl ? await localAddressTowards(opts.vietguysApiUrl) : null
  const value: OutboundIp | null = echoed ? { ip: echoed, how: 'echo' } : local ? { ip: local, how: 'local' } : null
  if (value) cached = { value, at: now }
  return value
}

/** Forget a cached answer (tests). */
export function resetOutboundIp (): void { cached = undefined }
