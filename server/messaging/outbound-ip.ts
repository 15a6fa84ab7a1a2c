// Which IP VietGuys sees us from (it only accepts whitelisted source IPs): OUTBOUND_IP, else asked once from an echo service.
import { request } from 'undici'

let cached: { ip: string, at: number } | undefined
const TTL_MS = 60 * 60 * 1000

/** The server's public IP, or null when it cannot be found out (no OUTBOUND_IP and no answer within 3 s). */
export async function outboundIp (opts: { outboundIp: string | undefined, ipEchoUrl: string }, now = Date.now()): Promise<string | null> {
  if (opts.outboundIp) return opts.outboundIp
  if (cached && now - cached.at < TTL_MS) return cached.ip
  try {
    const res = await request(opts.ipEchoUrl, { headersTimeout: 3000, bodyTimeout: 3000 })
    const ip = (await res.body.text()).trim()
    if (res.statusCode !== 200 || !/^[0-9a-f.:]{3,45}$/i.test(ip)) return null
    cached = { ip, at: now }
    return ip
  } catch {
    return null
  }
}
