// Admin session auth: only a valid HS256 token for an installed shop reaches /api, and only that shop's data.
import { SignJWT } from 'jose'
import t from 'tap'
import { eq } from 'drizzle-orm'
import { shops } from '../../db/schema/index.ts'
import { build, installShop, mintSessionToken } from '../helper.ts'

const get = (app: Awaited<ReturnType<typeof build>>['app'], token?: string) =>
  app.inject({ url: '/api/shop', headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })

t.test('a valid token for an installed shop sees that shop', async (t) => {
  const { app, shopId } = await build(t)
  const res = await get(app, await mintSessionToken(app, shopId))
  t.equal(res.statusCode, 200)
  t.match(res.json(), { orgid: shopId, name: 'Cửa hàng Demo', sandbox: false })
})

t.test('missing, malformed and forged tokens get 401 in the error shape', async (t) => {
  const { app, shopId } = await build(t)
  const forged = await new SignJWT({ orgid: shopId }).setProtectedHeader({ alg: 'HS256' }).setSubject('u')
    .setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode('not-the-secret-not-the-secret-not-the'))
  const unsigned = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url') + '.' +
    Buffer.from(JSON.stringify({ orgid: shopId, sub: 'u', iat: 1, exp: 9999999999 })).toString('base64url') + '.'
  for (const [label, token] of [['missing', undefined], ['garbage', 'abc.def.ghi'], ['forged', forged], ['alg none', unsigned]] as const) {
    const res = await get(app, token)
    t.equal(res.statusCode, 401, label)
    t.match(res.json(), { statusCode: 401, error: 'Unauthorized', message: String, reqId: String }, label)
  }
})

t.test('an expired token gets 401', async (t) => {
  const { app, shopId } = await build(t)
  const token = await mintSessionToken(app, shopId, { now: new Date(Date.now() - 3 * 3600_000), ttlSeconds: 3600 })
  t.equal((await get(app, token)).statusCode, 401)
})

t.test('a token living longer than 24 hours is refused even if signed', async (t) => {
  const { app, shopId } = await build(t)
  const now = Math.floor(Date.now() / 1000)
  const token = await new SignJWT({ orgid: shopId }).setProtectedHeader({ alg: 'HS256' }).setSubject('u')
    .setIssuedAt(now).setExpirationTime(now + 25 * 3600).sign(new TextEncoder().encode(app.config.sessionSecret))
  t.equal((await get(app, token)).statusCode, 401)
})

t.test('a token without orgid or sub is refused', async (t) => {
  const { app } = await build(t)
  const key = new TextEncoder().encode(app.config.sessionSecret)
  const noOrg = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setIssuedAt().setExpirationTime('1h').sign(key)
  const noSub = await new SignJWT({ orgid: '1000000001' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').sign(key)
  t.equal((await get(app, noOrg)).statusCode, 401)
  t.equal((await get(app, noSub)).statusCode, 401)
})

t.test('a token for an unknown shop gets 401', async (t) => {
  const { app } = await build(t)
  t.equal((await get(app, await mintSessionToken(app, '999999'))).statusCode, 401)
})

t.test('a token for an uninstalled shop gets 401', async (t) => {
  const { app, shopId } = await build(t)
  const token = await mintSessionToken(app, shopId)
  t.equal((await get(app, token)).statusCode, 200)
  await app.db.update(shops).set({ status: 'uninstalled' }).where(eq(shops.shopId, shopId))
  t.equal((await get(app, token)).statusCode, 401)
})

t.test('each shop sees only itself', async (t) => {
  const { app, shopId } = await build(t)
  await installShop(app, '2000000002', 'Shop Khác')
  const mine = await get(app, await mintSessionToken(app, shopId))
  const other = await get(app, await mintSessionToken(app, '2000000002'))
  t.equal(mine.json().orgid, shopId)
  t.equal(other.json().orgid, '2000000002')
  t.equal(other.json().name, 'Shop Khác')
})
