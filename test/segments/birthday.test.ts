// members.birthday_month follows the customer's birthday (activation, customer sync) and serves the member list filter.
import t from 'tap'
import { and, eq } from 'drizzle-orm'
import { members } from '../../db/schema/index.ts'
import { haravanCustomerSchema } from '../../server/haravan/mappers.ts'
import { upsertCustomer } from '../../server/haravan/store.ts'
import { activateMember } from '../../server/loyalty/ledger.ts'
import { listPage } from '../../server/segments/lists.ts'
import { build } from '../helper.ts'
import { inTx } from '../loyalty/fixtures.ts'

const NOW = new Date('2026-11-20T03:00:00.000Z')
const customer = (o: Record<string, unknown>) => haravanCustomerSchema.parse({ id: 601, first_name: 'Lan', last_name: 'Nguyễn', ...o })

t.test('birthday month is copied at activation and follows customer updates; the member list filters on it', async (t) => {
  const { app, shopId } = await build(t, { clock: () => NOW })
  const db = app.db
  const month = async () => (await db.select({ m: members.birthdayMonth }).from(members)
    .where(and(eq(members.shopId, shopId), eq(members.customerId, 601))))[0]?.m
  // The code path of GET /api/members with a saved group's definition.
  const listed = async (m: number) => {
    const definition = { match: 'all', conditions: [{ field: 'birthdayMonth', op: 'eq', value: m }] }
    const { items, total } = await listPage(db, { shopId, scope: 'members', now: NOW, timeZone: 'Asia/Ho_Chi_Minh' }, { definition },
      { page: 1, limit: 20, sort: 'customerId', direction: 'asc' })
    t.equal(total, items.length)
    return items.map((i) => i.customerId)
  }

  t.equal(await upsertCustomer(db, shopId, customer({ updated_at: '2026-11-01T10:00:00Z', birthday: '1992-10-14T00:00:00Z' }), NOW), 'inserted')
  await inTx(db, tx => activateMember(tx, shopId, 601, 'manual', 'test', NOW))
  t.equal(await month(), 10, 'copied from the customer at activation')
  t.same(await listed(10), [601])
  t.same(await listed(3), [])

  t.equal(await upsertCustomer(db, shopId, customer({ updated_at: '2026-11-02T10:00:00Z', birthday: '1990-03-01T00:00:00Z' }), NOW), 'updated')
  t.equal(await month(), 3, 'follows the customer update')
  t.same(await listed(3), [601])
  t.same(await listed(10), [])

  t.equal(await upsertCustomer(db, shopId, customer({ updated_at: '2026-11-01T12:00:00Z', birthday: '1980-07-01T00:00:00Z' }), NOW), 'stale')
  t.equal(await month(), 3, 'an older version changes nothing')

  t.equal(await upsertCustomer(db, shopId, customer({ updated_at: '2026-11-03T10:00:00Z', birthday: null }), NOW), 'updated')
  t.equal(await month(), null, 'a removed birthday clears the month')
  t.same(await listed(3), [])
})
