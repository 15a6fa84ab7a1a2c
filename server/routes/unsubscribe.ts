// /u/:token — public, no session: the unsubscribe page (GET, confirm button) and its one-click POST (RFC 8058).
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { customers, shops } from '../../db/schema/index.ts'
import { logActivity } from '../activity.ts'
import { sendPage } from '../auth/pages.ts'
import { getConsents, recordConsent } from '../messaging/consent.ts'
import { unsubscribeKey, verifyUnsubscribeToken, type UnsubscribeClaims } from '../messaging/unsubscribe-token.ts'

const CHANNEL_VI = { email: 'email quảng cáo', sms: 'tin nhắn SMS quảng cáo' } as const
const formatDay = (d: Date, timeZone: string) => new Intl.DateTimeFormat('vi-VN', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' }).format(d)

export default async function unsubscribeRoutes (app: FastifyInstance) {
  const key = unsubscribeKey(app.config.sessionSecret)
  // Mail clients one-click POST `List-Unsubscribe=One-Click` (form-encoded or multipart): the body itself says nothing more.
  app.addContentTypeParser(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'], { parseAs: 'string', bodyLimit: 10_000 }, (_req, _body, done) => done(null, {}))
  const params = { schema: { hide: true, params: z.object({ token: z.string().max(200) }) } }

  /** The token's shop and customer, or null: forged, expired, or naming a customer the shop does not have. */
  async function resolve (token: string, reply: FastifyReply): Promise<(UnsubscribeClaims & { shopName: string, timeZone: string }) | null> {
    const check = verifyUnsubscribeToken(key, token, app.clock())
    if (!check.ok) {
      await sendPage(reply, check.reason === 'expired' ? 410 : 404, check.reason === 'expired'
        ? { title: 'Liên kết đã hết hạn', paragraphs: ['Liên kết từ chối nhận tin này đã hết hạn. Hãy dùng liên kết trong tin nhắn mới nhất của cửa hàng, hoặc liên hệ cửa hàng để từ chối nhận tin.', 'Chưa có thay đổi nào được thực hiện.'], englishHint: 'This unsubscribe link has expired. Nothing was changed.' }
        : { title: 'Liên kết không hợp lệ', paragraphs: ['Liên kết từ chối nhận tin này không đúng hoặc đã bị sửa. Hãy mở lại đúng liên kết trong tin nhắn của cửa hàng.', 'Chưa có thay đổi nào được thực hiện.'], englishHint: 'This unsubscribe link is not valid. Nothing was changed.' })
      return null
    }
    const { shopId, customerId } = check.claims
    const [row] = await app.db.select({ name: shops.name, tz: shops.timezone }).from(customers)
      .innerJoin(shops, eq(shops.shopId, customers.shopId))
      .where(and(eq(customers.shopId, shopId), eq(customers.id, customerId)))
    if (!row) {
      await sendPage(reply, 404, { title: 'Liên kết không hợp lệ', paragraphs: ['Không tìm thấy người nhận của liên kết này. Chưa có thay đổi nào được thực hiện.'], englishHint: 'Unknown recipient. Nothing was changed.' })
      return null
    }
    return { ...check.claims, shopName: row.name, timeZone: row.tz }
  }

  app.get<{ Params: { token: string } }>('/u/:token', params, async (request, reply) => {
    const c = await resolve(request.params.token, reply)
    if (!c) return reply
    const consent = (await getConsents(app.db, c.shopId, c.customerId))[c.channel]
    if (consent.state === 'refused') {
      return sendPage(reply, 200, { title: 'Bạn đã từ chối nhận tin', paragraphs: [`Bạn đã từ chối nhận ${CHANNEL_VI[c.channel]} từ ${c.shopName}${consent.changedAt ? ` từ ngày ${formatDay(consent.changedAt, c.timeZone)}` : ''}. Cửa hàng sẽ không gửi thêm.`] })
    }
    const action = `/u/${encodeURIComponent(request.params.token)}`
    return reply.code(200).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(confirmPage(c.shopName, CHANNEL_VI[c.channel], action))
  })

  app.post<{ Params: { token: string } }>('/u/:token', params, async (request, reply) => {
    const c = await resolve(request.params.token, reply)
    if (!c) return reply
    const now = app.clock()
    const before = (await getConsents(app.db, c.shopId, c.customerId))[c.channel]
    if (before.state !== 'refused') {
      await recordConsent(app.db, c.shopId, c.customerId, c.channel, { state: 'refused', source: 'unsubscribe', reason: 'Khách hàng bấm liên kết từ chối nhận tin' }, now)
      await logActivity(app.db, c.shopId, { actor: 'customer', action: 'member.consent.unsubscribed', subject: String(c.customerId), details: { channel: c.channel } }, now)
    }
    return sendPage(reply, 200, { title: 'Đã từ chối nhận tin', paragraphs: [`Bạn sẽ không nhận thêm ${CHANNEL_VI[c.channel]} từ ${c.shopName}.`, 'Tin nhắn chăm sóc khách hàng (ví dụ thông báo điểm) vẫn có thể được gửi khi bạn là thành viên; hãy liên hệ cửa hàng nếu bạn muốn dừng cả những tin đó.'] })
  })
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

function confirmPage (shopName: string, what: string, action: string): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Từ chối nhận tin · ${escapeHtml(shopName)}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5">
<h1 style="font-size:1.4rem">Từ chối nhận tin</h1>
<p>Bạn muốn ngừng nhận ${escapeHtml(what)} từ <strong>${escapeHtml(shopName)}</strong>?</p>
<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit" style="font-size:1rem;padding:.6rem 1.2rem">Xác nhận từ chối nhận tin</button></form>
<p style="color:#666;font-size:.9em" lang="en">Unsubscribe from this shop's marketing messages.</p>
</body></html>`
}
