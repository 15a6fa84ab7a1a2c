// Hostile deliveries: control characters, lone surrogates, absurd nesting and sizes, absurd amounts, foreign uninstalls.
import t from 'tap'
import fc from 'fast-check'
import { sql } from 'drizzle-orm'
import { queryRows } from '../../db/client.ts'
import { authHeaders, build, DEMO_SHOP_ID } from '../helper.ts'
import { MAX_WEBHOOK_BYTES } from '../../webhooks/body.ts'
import { count, deliver, fixture, inboxRows, phoneOf } from './helpers.ts'

// The fixture order for this buyer, with a phone of its own (orders are matched to members by phone too).
const order = (id: number, customerId: number, extra: Record<string, unknown> = {}) => {
  const base = fixture('order-paid.json')
  const phone = phoneOf(customerId)
  return {
    ...base,
    id,
    name: `#${id}`,
    customer: { ...(base.customer as object), id: customerId, phone },
    billing_address: { ...(base.billing_address as object), phone },
    shipping_address: { ...(base.shipping_address as object), phone },
    ...extra,
  }
}
// A string Postgres text refuses, or one that is not what it looks like.
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udc00y', '\ud83d', 'e\u0301\u0000', '\u001b[31m', '\r\n\t', '\uffff', '\u202e'),
)
// No NUL, no other control but tab and newline, no lone surrogate.
// eslint-disable-next-line no-control-regex
const unclean = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

t.test('any string in any field of a customer or an order is stored cleaned, never a 5xx', async (t) => {
  const { app, database } = await build(t)
  const db = database.db
  let next = 1
  await fc.assert(fc.asyncProperty(
    fc.constantFrom('first_name', 'last_name', 'phone', 'email', 'note', 'tags', 'birthday', 'state', 'extra_field'), hostile,
    async (field, value) => {
      const id = 900_000 + next++
      const res = await deliver(app, { topic: 'customers/create', body: { ...fixture('customer.json'), id, [field]: value } })
      t.equal(res.statusCode, 200)
      return res.statusCode === 200
    }), { numRuns: 60 })
  await fc.assert(fc.asyncProperty(
    fc.constantFrom('note', 'name', 'email', 'gateway', 'source_name', 'customer.first_name', 'customer.phone', 'billing_address.phone', 'line_items.title'),
    hostile,
    async (path, value) => {
      const id = 800_000 + next++
      const body = order(id, 700_000 + next) as Record<string, unknown>
      const [head, leaf] = path.split('.') as [string, string | undefined]
      if (leaf === undefined) body[head] = value
      else if (head === 'line_items') body.line_items = [{ ...(body.line_items as object[])[0], title: value }]
      else body[head] = { ...(body[head] as object), [leaf]: value }
      const res = await deliver(app, { topic: 'orders/paid', body })
      t.equal(res.statusCode, 200)
      return res.statusCode === 200
    }), { numRuns: 60 })
  // Whatever was stored is clean text, the inbox included.
  const texts = await queryRows<{ t: string }>(db, sql`
    select concat_ws('|', first_name, last_name, phone, email, full_name, search_text, state, array_to_string(tags, ',')) as t from customers
    union all select concat_ws('|', name, email) from orders
    union all select payload::text from webhook_inbox`)
  t.ok(texts.length > 100)
  t.same(texts.filter(r => unclean.test(r.t)).map(r => JSON.stringify(r.t)), [], 'nothing unclean stored')
  t.equal(await count(db, 'webhook_inbox'), 120, 'every delivery recorded')
})

t.test('a NUL or a lone surrogate in the search box is a search, not a 500', async (t) => {
  const { app } = await build(t)
  // NUL, NUL after a name, the UTF-8 form of a lone surrogate, a C1 control.
  for (const q of ['%00', 'Lan%00', '%ED%A0%80', '%C2%9B', 'Nguy%E1%BB%85n%00%07']) {
    const res = await app.inject({ method: 'GET', url: `/api/members?q=${q}`, headers: await authHeaders(app) })
    t.equal(res.statusCode, 200, JSON.stringify(q))
  }
})

t.test('absurd nesting: refused or cut, never a 5xx; a valid order with one deep extra field is stored and applied; the database keeps answering', async (t) => {
  const { app, database } = await build(t)
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n)
  const customer = JSON.stringify({ ...fixture('customer.json'), id: 41, phone: phoneOf(41) })
  let res = await deliver(app, { topic: 'customers/create', body: customer.slice(0, -1) + `,"x":${deep(500_000)}}` })
  t.match(res.json(), { ok: true, result: 'applied' }, 'a 500,000-level field is cut to null')
  res = await deliver(app, { topic: 'customers/create', body: deep(20_000) })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { result: 'failed' }, 'a body that is nothing but nesting is recorded as invalid')
  const o = JSON.stringify(order(51, 61))
  res = await deliver(app, { topic: 'orders/paid', body: o.slice(0, -1) + `,"extra":{"a":${deep(20_000)}}}` })
  t.match(res.json(), { result: 'applied' })
  const [stored] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int n from orders where shop_id = ${DEMO_SHOP_ID} and id = 51`)
  t.equal(stored?.n, 1, 'the order is stored')
  const [member] = await queryRows<{ p: number }>(database.db, sql`select points_available + points_pending as p from members where customer_id = 61`)
  t.ok(Number(member?.p) > 0, 'and its buyer, seen only in it, earned')
  // What wedged the embedded database: the nested body, then a customer whose phone carries a NUL.
  res = await deliver(app, { topic: 'customers/create', body: { ...fixture('customer.json'), id: 42, phone: '0912\u0000345642' } })
  t.match(res.json(), { result: 'applied' })
  const [c] = await queryRows<{ phone: string }>(database.db, sql`select phone from customers where id = 42`)
  t.equal(c?.phone, '0912345642')
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
})

t.test('a body over the size limit is recorded with its reason and answered 200', async (t) => {
  const { app, database } = await build(t)
  const big = JSON.stringify({ ...fixture('customer.json'), note: 'x'.repeat(MAX_WEBHOOK_BYTES) })
  const res = await deliver(app, { topic: 'customers/create', body: big })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { ok: true, result: 'refused' })
  const [row] = await inboxRows(database.db)
  t.match(row, { status: 'ignored', last_error: /body too large: \d+ bytes \(the limit is 4194304\)/ })
  t.equal(await count(database.db, 'customers'), 0)
})

t.test('amounts: the eligible amount stays within the total; absurd amounts are a recorded invalid delivery', async (t) => {
  const { app, database } = await build(t)
  const points = async (orderId: number) => Number((await queryRows<{ p: unknown }>(database.db, sql`
    select coalesce(sum(points), 0) as p from ledger_entries where source = 'order' and source_id = ${String(orderId)}`))[0]?.p)
  for (const [i, bad] of [
    { shipping_lines: [{ price: -9_000_000 }] }, { total_price: -1 }, { total_price: 1e308 }, { total_price: 'một triệu' },
    { total_price: { amount: 1 } }, { total_discounts: -5 },
  ].entries()) {
    const res = await deliver(app, { topic: 'orders/paid', body: order(100 + i, 200 + i, bad) })
    t.match(res.json(), { ok: true, result: 'failed' }, JSON.stringify(bad))
    t.equal(await points(100 + i), 0)
  }
  // A refund bigger than the order takes it to zero, never below.
  const res = await deliver(app, { topic: 'orders/paid', body: order(300, 301, { refunds: [{ transactions: [{ kind: 'refund', amount: 99_000_000 }] }] }) })
  t.match(res.json(), { result: 'applied' })
  t.equal(await points(300), 0)
})

t.test('for any order shape, points never exceed what the total allows at the highest tier multiplier', async (t) => {
  const { app, database } = await build(t)
  const [s] = await queryRows<{ vnd: number, step: number, max: number }>(database.db, sql`
    select (select (settings->'earning'->>'vndPerPoint')::int from loyalty_settings where shop_id = ${DEMO_SHOP_ID}) as vnd,
      (select (settings->'earning'->>'pointsPerStep')::int from loyalty_settings where shop_id = ${DEMO_SHOP_ID}) as step,
      (select max(earn_multiplier_pct) from tiers where shop_id = ${DEMO_SHOP_ID}) as max`)
  const vndPerPoint = Number(s?.vnd ?? 1000) || 1000
  const perStep = Number(s?.step ?? 1) || 1
  const maxPct = Number(s?.max ?? 100) || 100
  let id = 5000
  const money = fc.oneof(fc.integer({ min: 0, max: 50_000_000 }), fc.integer({ min: -50_000_000, max: -1 }), fc.constant(0))
  await fc.assert(fc.asyncProperty(
    fc.integer({ min: 0, max: 50_000_000 }), fc.array(money, { maxLength: 3 }), fc.array(money, { maxLength: 2 }), money,
    fc.constantFrom('paid', 'partially_refunded', 'refunded', 'pending'),
    async (total, shipping, refunds, discounts, status) => {
      id++
      const body = order(id, 10_000 + (id % 7), {
        total_price: total,
        total_discounts: discounts,
        financial_status: status,
        shipping_lines: shipping.map(price => ({ price })),
        refunds: [{ transactions: refunds.map(amount => ({ kind: 'refund', amount })) }],
      })
      const res = await deliver(app, { topic: 'orders/paid', body })
      if (res.statusCode !== 200) return false
      const [row] = await queryRows<{ p: unknown }>(database.db, sql`
        select coalesce(sum(points), 0) as p from ledger_entries where source = 'order' and source_id = ${String(id)}`)
      const bound = Math.floor(total / vndPerPoint * perStep * maxPct / 100) + 1 // +1: half-up rounding
      return Number(row?.p) <= bound
    }), { numRuns: 50 })
  t.pass('bounded')
})

t.test('app/uninstalled acts only on an uninstall body naming the header shop', async (t) => {
  const { app, database } = await build(t)
  const status = async () => (await queryRows<{ status: string }>(database.db, sql`select status from shops where shop_id = ${DEMO_SHOP_ID}`))[0]?.status
  const body = fixture('app-uninstalled.json')
  for (const other of [{ ...body, org_id: 999 }, { ...body, org_id: undefined }, { id: 1, total_price: 5 }, { ...body, org_id: Number(DEMO_SHOP_ID), event_type: 'orders/create' }, []]) {
    const res = await deliver(app, { topic: 'app/uninstalled', body: other })
    t.equal(res.statusCode, 200)
    t.not(res.json().result, 'applied', JSON.stringify(other))
    t.equal(await status(), 'installed')
  }
  const res = await deliver(app, { topic: 'app/uninstalled', body: { ...body, org_id: Number(DEMO_SHOP_ID) } })
  t.match(res.json(), { result: 'applied' })
  t.equal(await status(), 'uninstalled')
})

t.test("an order's unseen buyer becomes a customer and a member at once; a newer customers/* delivery still wins", async (t) => {
  const { app, database } = await build(t)
  const name = async () => (await queryRows<{ n: string }>(database.db, sql`select full_name as n from customers where id = 77`))[0]?.n
  const o = order(7001, 77)
  ;(o.customer as Record<string, unknown>).updated_at = '2026-11-01T00:00:00Z'
  t.match((await deliver(app, { topic: 'orders/paid', body: o })).json(), { result: 'applied' })
  t.equal(await name(), 'Nguyễn Thị Lan')
  const [m] = await queryRows<{ p: unknown }>(database.db, sql`select points_available + points_pending as p from members where customer_id = 77`)
  t.ok(Number(m?.p) > 0, 'a member with points')
  const customer = { ...fixture('customer.json'), id: 77, phone: phoneOf(77), first_name: 'Hoa', last_name: 'Trần' }
  await deliver(app, { topic: 'customers/update', body: { ...customer, updated_at: '2026-10-01T00:00:00Z' } })
  t.equal(await name(), 'Nguyễn Thị Lan', 'an older customers/update does not win')
  await deliver(app, { topic: 'customers/update', body: { ...customer, updated_at: '2026-11-05T00:00:00Z' } })
  t.equal(await name(), 'Trần Hoa', 'a newer one does')
})
