// Upload → preview of a messy opening-balance file: exact counts, exact error report, header and tenancy checks.
import t from 'tap'
import { authHeaders, build, installShop } from '../helper.ts'
import { messyFile, seedCustomers, upload } from './helpers.ts'

t.test('a messy Excel export previews with exact counts and an exact error report', async (t) => {
  const { app, shopId } = await build(t)
  await seedCustomers(app, shopId)

  const res = await upload(app, shopId, messyFile())
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.equal(body.status, 'previewed')
  t.same(body.preview, { rows: 12, valid: 7, matched: 5, notFound: 1, alreadyImported: 1, invalid: 4, duplicates: 1, warnings: 1 })

  const status = await app.inject({ method: 'GET', url: `/api/imports/${body.id}`, headers: await authHeaders(app) })
  t.match(status.json(), { id: body.id, kind: 'opening_balance', status: 'previewed', fileName: 'du-lieu-dau-ky.csv', progress: { done: 0, total: 12 } })

  const rows = await app.inject({ method: 'GET', url: `/api/imports/${body.id}/rows`, headers: await authHeaders(app) })
  t.same(rows.json().items.map((r: { line: number }) => r.line), [6, 7, 8, 9, 10, 11, 12, 14], 'problem lines, by spreadsheet row number')

  const report = await app.inject({ method: 'GET', url: `/api/imports/${body.id}/errors.csv`, headers: await authHeaders(app) })
  t.equal(report.statusCode, 200)
  t.match(report.headers['content-type'], /text\/csv/)
  t.same(report.rawPayload.subarray(0, 3), Buffer.from([0xef, 0xbb, 0xbf]), 'BOM for Excel')
  t.same(report.rawPayload.subarray(3).toString('utf8').split('\r\n'), [
    'Dòng,Trạng thái,Lý do,HoTen,DienThoai,Email,DTDauKy,DTTichLuy',
    '6,Đã nhập trước đó,Dữ liệu đầu kỳ của khách hàng này đã nhập trước đó,Hoàng Văn Em,0934567890,,100000,100000',
    '7,Không hợp lệ,"DTDauKy: Số tiền không được có phần lẻ: ""1,5""","Võ Thị, Phương",0977777777,,"1,5",0',
    '8,Không tìm thấy khách hàng,Không tìm thấy khách hàng có số điện thoại này trên Haravan,Người Lạ,0911111111,,500000,500000',
    '9,Trùng lặp,Trùng số điện thoại với dòng 2,Nguyen Van An,0912345678,,200000,200000',
    '10,Không hợp lệ,Email không khớp với khách hàng trên Haravan (Haravan: giang@example.com),Đỗ Văn Giang,0966666666,giang@other.com,100000,0',
    '11,Cảnh báo,"Họ tên khác với trên Haravan: ""Bùi Thị Hoa""",Hà Văn Hùng,0944444444,,5.000.000,6.000.000',
    "12,Không hợp lệ,DTDauKy: Số tiền âm,X,0922222222,,'-500000,0",
    '14,Không hợp lệ,"Số điện thoại chứa ký tự không hợp lệ: ""abc""",Y,abc,,100,100',
    '',
  ])
})

t.test('a comma file with LF and no BOM works the same; the NFD name matches without a warning', async (t) => {
  const { app, shopId } = await build(t)
  await seedCustomers(app, shopId)
  const file = Buffer.from(`HoTen,DienThoai,Email,DTDauKy,DTTichLuy\n${'Nguyễn Văn An'.normalize('NFD')},0912.345.678,,"1.500.000",\n`)
  const res = await upload(app, shopId, file)
  t.same(res.json().preview, { rows: 1, valid: 1, matched: 1, notFound: 0, alreadyImported: 0, invalid: 0, duplicates: 0, warnings: 0 })
})

t.test('Excel\'s "CSV" on a Vietnamese Windows (Windows-1258) previews like UTF-8: names match without warnings', async (t) => {
  const { app, shopId } = await build(t)
  await seedCustomers(app, shopId)
  // "Nguyễn Văn An" as Windows-1258 writes it: ê, then the tilde as a combining mark; ă is one byte.
  const name = Buffer.from([0x4e, 0x67, 0x75, 0x79, 0xea, 0xde, 0x6e, 0x20, 0x56, 0xe3, 0x6e, 0x20, 0x41, 0x6e])
  const file = Buffer.concat([Buffer.from('HoTen,DienThoai,Email,DTDauKy,DTTichLuy\r\n'), name, Buffer.from(',0912345678,,1.500.000,0\r\n')])
  const res = await upload(app, shopId, file)
  t.same(res.json().preview, { rows: 1, valid: 1, matched: 1, notFound: 0, alreadyImported: 0, invalid: 0, duplicates: 0, warnings: 0 })
  const rows = await app.inject({ method: 'GET', url: `/api/imports/${res.json().id}/rows?problems=false`, headers: await authHeaders(app) })
  t.equal(rows.json().items[0]?.raw?.HoTen, 'Nguyễn Văn An', 'stored as the letters it meant, in NFC')
})

t.test('a header that is not the template is refused naming the columns, and nothing is stored', async (t) => {
  const { app, shopId } = await build(t)
  const res = await upload(app, shopId, Buffer.from('Ten,SDT,Tien\nA,0912345678,1\n'))
  t.equal(res.statusCode, 400)
  t.match(res.json().message, /HoTen, DienThoai, Email, DTDauKy, DTTichLuy/)
  t.match(res.json().message, /thiếu cột HoTen, DienThoai, Email, DTDauKy, DTTichLuy; cột không có trong mẫu "Ten", "SDT", "Tien"/)
  const empty = await upload(app, shopId, Buffer.alloc(0))
  t.equal(empty.statusCode, 400)
  const workbook = await upload(app, shopId, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 7)]))
  t.equal(workbook.statusCode, 400)
  t.match(workbook.json().message, /^Đây là file Excel \(\.xlsx\/\.xls\), không phải CSV/)
  const list = await app.inject({ method: 'GET', url: '/api/imports', headers: await authHeaders(app) })
  t.same(list.json(), { items: [], total: 0 })
})

t.test('templates are UTF-8 with BOM', async (t) => {
  const { app } = await build(t)
  const opening = await app.inject({ method: 'GET', url: '/api/imports/opening-balance/template.csv', headers: await authHeaders(app) })
  t.equal(opening.statusCode, 200)
  t.ok(opening.body.startsWith('\uFEFFHoTen,DienThoai,Email,DTDauKy,DTTichLuy\r\n'))
  const adjust = await app.inject({ method: 'GET', url: '/api/imports/point-adjustment/template.csv', headers: await authHeaders(app) })
  t.ok(adjust.body.startsWith('\uFEFFSoDienThoai,NoiDungDieuChinh,DiemDieuChinh\r\n'))
})

t.test('another shop cannot see, confirm or undo the import', async (t) => {
  const { app, shopId } = await build(t)
  await seedCustomers(app, shopId)
  await installShop(app, '1000000002', 'Shop khác')
  const { id } = (await upload(app, shopId, messyFile())).json()
  const other = await authHeaders(app, '1000000002')
  for (const [method, url] of [['GET', `/api/imports/${id}`], ['GET', `/api/imports/${id}/errors.csv`], ['GET', `/api/imports/${id}/rows`],
    ['POST', `/api/imports/${id}/confirm`], ['POST', `/api/imports/${id}/undo`], ['GET', '/api/imports/not-a-uuid']] as const) {
    const res = await app.inject({ method, url, headers: other })
    t.equal(res.statusCode, 404, `${method} ${url}`)
  }
  const list = await app.inject({ method: 'GET', url: '/api/imports', headers: other })
  t.equal(list.json().total, 0)
  const undo = await app.inject({ method: 'POST', url: `/api/imports/${id}/undo`, headers: await authHeaders(app) })
  t.equal(undo.statusCode, 409, 'undo only from done')
  t.match(undo.json().message, /Chỉ hoàn tác được/)
})
