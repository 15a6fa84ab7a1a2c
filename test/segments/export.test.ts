// CSV exports: BOM, Vietnamese headers, đồng as integers, dd/mm/yyyy, formula neutralisation, thousands of rows streamed.
import t from 'tap'
import { authHeaders, build } from '../helper.ts'
import { seedCustomers, type SeedCustomer } from './seed.ts'
import { neutralizeCell } from '../../server/segments/csv.ts'

const NOW = new Date('2025-10-15T03:00:00Z')

t.test('neutralizeCell', async (t) => {
  for (const bad of ['=1+1', '+84', '-2', '@SUM(A1)', '\tx', '\rx']) t.equal(neutralizeCell(bad), `'${bad}`)
  t.equal(neutralizeCell('Mai'), 'Mai')
  t.equal(neutralizeCell(null), '')
})

t.test('members export', async (t) => {
  const { app, shopId } = await build(t, { clock: () => NOW })
  const headers = await authHeaders(app)
  const rows: SeedCustomer[] = [
    { id: 1, name: '=HYPERLINK("http://evil")', email: '@x.vn', member: { totalSpent: 1_500_000, ordersCount: 2, pointsAvailable: 150, lastOrderAt: new Date('2025-10-14T18:30:00Z'), activatedAt: new Date('2025-01-01T20:00:00Z') } },
  ]
  for (let i = 2; i <= 3001; i++) rows.push({ id: i, name: `Khách ${i}`, member: { totalSpent: i * 1000 } })
  rows.push({ id: 5000, name: 'Không phải thành viên' })
  for (let i = 0; i < rows.length; i += 1000) await seedCustomers(app.db, shopId, rows.slice(i, i + 1000))

  const res = await app.inject({ url: '/api/members/export.csv', headers })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/csv; charset=utf-8/)
  t.match(res.headers['content-disposition'], /attachment/)
  const raw = res.rawPayload
  t.same([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM')
  const lines = res.payload.replace(/^\uFEFF/, '').trimEnd().split('\r\n')
  t.equal(lines.length, 3002, 'header + 3001 members, non-member left out')
  t.match(lines[0], /^Mã khách hàng,Họ tên,Số điện thoại,Email,Hạng,Điểm khả dụng/)
  // Last order 01:30 on 15/10 in Hồ Chí Minh; activated 03:00 on 02/01 there.
  t.equal(lines[1], '1,"\'=HYPERLINK(""http://evil"")",,\'@x.vn,,150,0,0,0,1500000,2,750000,15/10/2025,02/01/2025')
  t.equal(lines[3001]!.split(',')[0], '3001')

  const filtered = await app.inject({ url: '/api/customers/export.csv?registered=false', headers })
  const flines = filtered.payload.replace(/^\uFEFF/, '').trimEnd().split('\r\n')
  t.equal(flines.length, 2)
  t.match(flines[1], /^5000,Không phải thành viên,.*Chưa đăng ký$/)
})
