// Tiers are stored by id: groups and automatic rewards naming a tier the shop does not have are refused, and flagged once it is deleted.
import t from 'tap'
import type { App } from '../../server/app.ts'
import { DEFAULT_TIERS } from '../../server/loyalty/rules.ts'
import { authHeaders, build } from '../helper.ts'

const tierIs = (value: unknown, op = 'eq') => ({ match: 'all', conditions: [{ field: 'tier', op, value }] })

async function call (app: App, shopId: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  return app.inject({ method, url, payload: payload as object, headers: await authHeaders(app, shopId) })
}

t.test('a group asking for a tier the shop does not have is refused, naming it in Vietnamese', async (t) => {
  const { app, shopId } = await build(t)
  const preview = await call(app, shopId, 'POST', '/api/segments/preview', { definition: tierIs('Vàng') })
  t.equal(preview.statusCode, 400)
  t.match(preview.json().message, /^Điều kiện lọc không hợp lệ: Hạng "Vàng" cần được lưu theo mã hạng: hạng Vàng có mã "gold"\.$/)

  const created = await call(app, shopId, 'POST', '/api/segments', { name: 'Khách VIP', definition: tierIs(['gold', 'platinum'], 'in') })
  t.equal(created.statusCode, 400)
  t.match(created.json().message, /Hạng "platinum" không có trong các hạng của cửa hàng \(hiện có: Thành viên \(member\), Bạc \(silver\), Vàng \(gold\), Kim cương \(diamond\)\)/)
  t.notMatch(created.json().message, /"gold"/, 'only the unknown one is named')

  const good = await call(app, shopId, 'POST', '/api/segments', { name: 'Khách VIP', definition: tierIs(['gold', 'diamond'], 'in') })
  t.equal(good.statusCode, 201)
  t.same(good.json().problems, [])
  const updated = await call(app, shopId, 'PUT', `/api/segments/${good.json().id}`, { name: 'Khách VIP', definition: tierIs('nope', 'neq') })
  t.equal(updated.statusCode, 400)
  t.match(updated.json().message, /Hạng "nope" không có/)
  t.equal((await call(app, shopId, 'POST', '/api/segments/preview', { definition: tierIs('gold', 'neq') })).statusCode, 200)
})

t.test('a saved group whose tier was deleted is flagged in GET /api/segments, not silently empty', async (t) => {
  const { app, shopId } = await build(t)
  const saved = await call(app, shopId, 'POST', '/api/segments', { name: 'Hạng Vàng', definition: tierIs('gold') })
  t.equal(saved.statusCode, 201)
  await call(app, shopId, 'POST', '/api/segments', { name: 'Chưa hạng', definition: tierIs('member') })
  t.same((await call(app, shopId, 'GET', '/api/segments')).json().items.map((i: { problems: string[] }) => i.problems), [[], []])

  const withoutGold = DEFAULT_TIERS.filter((tier) => tier.id !== 'gold')
  t.equal((await call(app, shopId, 'PUT', '/api/tiers', withoutGold)).statusCode, 200)
  const items = (await call(app, shopId, 'GET', '/api/segments')).json().items as Array<{ name: string, problems: string[] }>
  t.same(items.find((i) => i.name === 'Chưa hạng')?.problems, [])
  t.same(items.find((i) => i.name === 'Hạng Vàng')?.problems, [
    'Hạng "gold" không còn trong các hạng của cửa hàng nên điều kiện hạng không khớp khách hàng nào; hãy chọn lại hạng.',
  ])
})

t.test('an automatic tier-upgrade reward must name one of the shop\'s tiers; one whose tier was deleted is flagged', async (t) => {
  const { app, shopId } = await build(t)
  const reward = (tierId: string) => [{ trigger: 'tier_upgrade', tierId, enabled: true, discountType: 'percentage', value: 10, validDays: 30 }]
  const wrong = await call(app, shopId, 'PUT', '/api/rewards/automatic', reward('Vàng'))
  t.equal(wrong.statusCode, 400)
  t.match(wrong.json(), {
    message: /^Dữ liệu không hợp lệ: Hạng "Vàng" không có trong các hạng của cửa hàng \(hiện có: .*Vàng \(gold\)/,
    issues: [{ path: ['0', 'tierId'], message: /Hạng "Vàng"/ }],
  })
  const saved = await call(app, shopId, 'PUT', '/api/rewards/automatic', reward('gold'))
  t.equal(saved.statusCode, 200)
  const gold = () => call(app, shopId, 'GET', '/api/rewards/automatic')
    .then((res) => (res.json() as Array<{ tierId: string | null, tierMissing: boolean }>).find((r) => r.tierId === 'gold'))
  t.match(await gold(), { tierMissing: false })
  t.ok((await call(app, shopId, 'GET', '/api/rewards/automatic')).json().every((r: { tierMissing: boolean }) => typeof r.tierMissing === 'boolean'))
  t.equal((await call(app, shopId, 'PUT', '/api/tiers', DEFAULT_TIERS.filter((tier) => tier.id !== 'gold'))).statusCode, 200)
  t.match(await gold(), { tierMissing: true })
})
