// Shared fixtures for import tests: customers, a messy opening-balance file as real bytes, multipart uploads, polling.
import { and, eq } from 'drizzle-orm'
import { customers, members } from '../../db/schema/index.ts'
import type { App } from '../../server/app.ts'
import { authHeaders } from '../helper.ts'

export const PREVIOUS_IMPORT = '00000000-0000-4000-8000-000000000001'

export const CUSTOMERS = [
  { id: 101, fullName: 'Nguyễn Văn An', phoneE164: '+84912345678', email: 'an@example.com' },
  { id: 102, fullName: 'Trần Thị Bình', phoneE164: '+84987654321', email: null },
  { id: 103, fullName: 'Lê Văn Cường', phoneE164: '+84383456789', email: null },
  { id: 104, fullName: 'Phạm Thị Dung', phoneE164: '+84901234567', email: 'dung@example.com' },
  { id: 105, fullName: 'Hoàng Văn Em', phoneE164: '+84934567890', email: null },
  { id: 106, fullName: 'Võ Thị Phương', phoneE164: '+84977777777', email: null },
  { id: 107, fullName: 'Đỗ Văn Giang', phoneE164: '+84966666666', email: 'giang@example.com' },
  { id: 108, fullName: 'Bùi Thị Hoa', phoneE164: '+84944444444', email: null },
]

export async function seedCustomers (app: App, shopId: string) {
  await app.db.insert(customers).values(CUSTOMERS.map((c) => ({ shopId, ...c, phone: c.phoneE164, searchText: c.fullName.toLowerCase() })))
  // 105 already got an opening balance from an earlier file.
  await app.db.insert(members).values({ shopId, customerId: 105, phoneE164: '+84934567890', activationSource: 'import', tierId: 'member', openingImportId: PREVIOUS_IMPORT })
}

const nfd = (s: string) => s.normalize('NFD')

// Excel (vi-VN) style: BOM, `;`, CRLF, quoted fields, NFD names, every amount spelling, a blank row.
export const MESSY_LINES = [
  'HoTen;DienThoai;Email;DTDauKy;DTTichLuy',
  `"${nfd('Nguyễn Văn An')}";+84 912 345 678;AN@Example.com;1.500.000;3.000.000`, // 2 matched (NFD, email case)
  `${nfd('Trần Thị Bình')};84987654321;;"1,500,000";1500000đ`, // 3 matched
  'Lê Văn Cường;01683456789;;1500000đ;"2.000.000 ₫"', // 4 matched (old 0168 prefix)
  'Phạm Thị Dung;901234567;dung@example.com;;', // 5 matched, lost leading zero, empty amounts
  'Hoàng Văn Em;0934567890;;100000;100000', // 6 already imported
  '"Võ Thị, Phương";0977777777;;1,5;0', // 7 invalid: fractional
  'Người Lạ;0911111111;;500000;500000', // 8 not found
  'Nguyen Van An;0912345678;;200000;200000', // 9 duplicate of 2
  'Đỗ Văn Giang;0966666666;giang@other.com;100000;0', // 10 invalid: email mismatch
  'Hà Văn Hùng;0944444444;;5.000.000;6.000.000', // 11 matched, name warning
  'X;0922222222;;-500000;0', // 12 invalid: negative
  '', // 13 blank row
  'Y;abc;;100;100', // 14 invalid phone
]

export const messyFile = (): Buffer => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(MESSY_LINES.join('\r\n') + '\r\n', 'utf8')])

export function multipart (content: Buffer, fileName = 'du-lieu-dau-ky.csv') {
  const boundary = '----tichdiem' + Math.random().toString(16).slice(2)
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

export async function upload (app: App, shopId: string, content: Buffer, kind: 'opening-balance' | 'point-adjustment' = 'opening-balance') {
  const { payload, headers } = multipart(content)
  return app.inject({ method: 'POST', url: `/api/imports/${kind}`, payload, headers: { ...headers, ...await authHeaders(app, shopId) } })
}

export async function waitForStatus (app: App, shopId: string, id: string, status: string, timeoutMs = 30_000) {
  const started = Date.now()
  for (;;) {
    const res = await app.inject({ method: 'GET', url: `/api/imports/${id}`, headers: await authHeaders(app, shopId) })
    const body = res.json()
    if (body.status === status) return body
    if (Date.now() - started > timeoutMs) throw new Error(`import ${id} still ${body.status} (wanted ${status})`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

export async function member (app: App, shopId: string, customerId: number) {
  const [row] = await app.db.select().from(members).where(and(eq(members.shopId, shopId), eq(members.customerId, customerId)))
  return row
}
