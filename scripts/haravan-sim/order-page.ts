// A page of the simulator where whoever tries the sandbox places an order as one of the demo customers: Haravan then
// sends orders/create and orders/paid as it would for a real purchase (points, thank-you campaigns, a promo code used).
import type { Actions } from './actions.ts'
import type { Ctx, Reply, Router } from './http.ts'
import type { SimStore } from './store.ts'

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const vnd = (n: number) => `${n.toLocaleString('vi-VN')} ₫`
const MAX_AMOUNT = 1_000_000_000
const html = (body: string, status = 200): Reply => ({
  status,
  text: `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Đặt đơn thử · Haravan giả lập</title></head>
<body style="font-family:system-ui,sans-serif;margin:2rem;max-width:44rem">${body}</body></html>`,
  headers: { 'content-type': 'text/html; charset=utf-8' },
})

export function registerOrderPage (router: Router, store: SimStore, actions: Actions): void {
  const form = (orgid: string, message = ''): Reply => {
    const shop = store.shop(orgid)
    const customers = [...shop.customers.values()]
      .sort((a, b) => `${a.last_name ?? ''} ${a.first_name ?? ''}`.localeCompare(`${b.last_name ?? ''} ${b.first_name ?? ''}`, 'vi'))
      .slice(0, 500)
    const options = customers.map(c => `<option value="${c.id}">${escapeHtml(`${c.last_name ?? ''} ${c.first_name ?? ''}`.trim() || `#${c.id}`)}${c.phone ? ` · ${escapeHtml(c.phone)}` : ''}</option>`).join('')
    const shops = [...store.shops.keys()].map(id => `<option value="${escapeHtml(id)}"${id === orgid ? ' selected' : ''}>${escapeHtml(id)}</option>`).join('')
    return html(`<h1 style="font-size:1.3rem">Đặt đơn thử (Haravan giả lập)</h1>
<p>Tạo một đơn hàng đã thanh toán cho khách của cửa hàng thử: Haravan giả lập gửi webhook <code>orders/create</code> và
<code>orders/paid</code> tới ứng dụng như với một đơn thật (tích điểm, chiến dịch cảm ơn, mã giảm giá được dùng).</p>
${message}
<form method="post" action="/orders/new" style="display:grid;gap:.75rem">
<label>Cửa hàng <select name="orgid">${shops}</select></label>
<label>Khách hàng <select name="customer_id" required>${options}</select></label>
<label>Giá trị sản phẩm (đồng) <input name="amount" type="number" min="1000" max="${MAX_AMOUNT}" step="1000" value="500000" required></label>
<label>Mã giảm giá đã dùng (tuỳ chọn) <input name="code" maxlength="64"></label>
<button type="submit" style="justify-self:start;padding:.4rem 1rem">Đặt đơn</button>
</form>`)
  }

  router.add('GET', /^\/orders\/new$/, (ctx: Ctx) => {
    const orgid = ctx.query.get('orgid') ?? store.shops.keys().next().value
    if (!orgid || !store.shops.has(orgid)) return html('<p>Không có cửa hàng nào trong trình giả lập.</p>', 404)
    return form(orgid)
  })

  router.add('POST', /^\/orders\/new$/, (ctx: Ctx) => {
    const f = new URLSearchParams(ctx.body)
    const orgid = f.get('orgid') ?? ''
    if (!store.shops.has(orgid)) return html('<p>Cửa hàng không tồn tại.</p>', 400)
    const customerId = Number(f.get('customer_id'))
    const amount = Number(f.get('amount'))
    const code = (f.get('code') ?? '').trim()
    const problem = !store.shop(orgid).customers.has(customerId)
      ? 'Hãy chọn một khách hàng.'
      : !Number.isSafeInteger(amount) || amount < 1000 || amount > MAX_AMOUNT ? `Giá trị phải từ 1.000 đến ${MAX_AMOUNT.toLocaleString('vi-VN')} đồng.` : ''
    if (problem) return { ...form(orgid, `<p style="color:#b42318">${escapeHtml(problem)}</p>`), status: 400 }
    const order = actions.createOrder(orgid, {
      customer: { id: customerId },
      financial_status: 'paid',
      line_items: [{ title: 'Sản phẩm thử', price: amount, quantity: 1 }],
      discount_codes: code ? [{ code, amount: 0, type: 'fixed_amount' }] : [],
    })
    return form(orgid, `<p style="color:#067647">Đã đặt đơn ${escapeHtml(order.name)} (${vnd(order.total_price)}) và gửi webhook tới ứng dụng.</p>`)
  })
}
