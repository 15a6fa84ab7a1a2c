// Admin session tokens (CONTRACT.md): HS256 JWTs with orgid, sub, iat and an exp at most 24 h after iat.
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose'

export const MAX_SESSION_SECONDS = 24 * 60 * 60
export const DEFAULT_SESSION_SECONDS = 12 * 60 * 60

export interface Session { orgid: string, sub: string, iat: number, exp: number }

const keyCache = new Map<string, Uint8Array>()
function keyFor (secret: string): Uint8Array {
  let key = keyCache.get(secret)
  if (!key) { key = new TextEncoder().encode(secret); keyCache.set(secret, key) }
  return key
}

export async function mintSessionToken (secret: string, claims: { orgid: string, sub: string },
  opts: { now: Date, ttlSeconds?: number }): Promise<string> {
  const iat = Math.floor(opts.now.getTime() / 1000)
  const ttl = Math.min(opts.ttlSeconds ?? DEFAULT_SESSION_SECONDS, MAX_SESSION_SECONDS)
  return new SignJWT({ orgid: claims.orgid })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .sign(keyFor(secret))
}

/** Returns the session, or null for anything forged, expired, malformed or longer-lived than allowed. */
export async function verifySessionToken (secret: string, token: string, now: Date): Promise<Session | null> {
  try {
    const { payload } = await jwtVerify(token, keyFor(secret), {
      algorithms: ['HS256'],
      currentDate: now,
      requiredClaims: ['orgid', 'sub', 'iat', 'exp'],
    })
    const { orgid, sub, iat, exp } = payload
    if (typeof orgid !== 'string' || orgid === '' || typeof sub !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') return null
    if (exp - iat > MAX_SESSION_SECONDS) return null
    // A token "issued" in the future is not trusted either (clock skew allowance: 60 s).
    if (iat > now.getTime() / 1000 + 60) return null
    return { orgid, sub, iat, exp }
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) return null
    throw err
  }
}
