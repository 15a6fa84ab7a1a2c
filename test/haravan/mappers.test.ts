// Haravan payload mappers: the fixtures mapped to our rows, money in integer đồng, names and search text in Vietnamese ways.
import { readFileSync } from 'node:fs'
import t from 'tap'
import {
  birthdayDate, fullName, genderOf, haravanCustomerSchema, haravanOrderSchema, mapCustomer, mapOrder, refundedAmount, searchKey, splitTags,
} from '../../server/haravan/mappers.ts'

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/haravan/${name}`, import.meta.url), 'utf8'))
const NOW = new Date('2026-11-20T03:00:00.000Z')
const SHOP = '200000244883'

t.test('the customer fixture maps to a customers row', async (t) => {
  const c = haravanCustomerSchema.parse(fixture('customer.json'))
  const row = mapCustomer(SHOP, c, NOW)
  t.match(row, {
    shopId: SHOP,
    id: 1037889951,
    email: 'lan.nguyen@example.vn',
    phone: '0912345678',
    phoneE164: '+84912345678',
    firstName: 'Lan',
    lastName: 'Nguyễn Thị',
    fullName: 'Nguyễn Thị Lan',
    birthday: '1992-10-14',
    gender: 'female',
    province: 'Hồ Chí Minh',
    provinceCode: 'HC',
    district: 'Quận 11',
    ward: 'Phường 15',
    address: '182 Lê Đại Hành',
    acceptsMarketing: true,
    state: 'Enabled',
    haravanOrdersCount: 3,
    haravanTotalSpent: 2450000,
    syncedAt: NOW,
  })
  t.same(row.tags, ['vip', 'hcm'])
  t.equal(row.haravanUpdatedAt?.toISOString(), '2026-11-01T07:37:09.000Z')
  t.equal(row.haravanCreatedAt?.toISOString(), '2024-10-22T03:37:03.796Z')
  t.equal(row.lastOrderAt?.toISOString(), '2026-11-01T07:37:04.000Z')
  t.equal(row.searchText, 'nguyen thi lan lan.nguyen 0912345678 84912345678', 'the email domain is left out')
})

t.test('search text matches what people type, through the same searchKey', async (t) => {
  const c = haravanCustomerSchema.parse({ id: 1, first_name: 'Mai', last_name: 'Đỗ Thị', phone: '+84 912 345 678', email: 'Mai.Do@Example.VN' })
  const searchText = mapCustomer(SHOP, c, NOW).searchText ?? ''
  for (const typed of ['mai', 'MAI', 'Đỗ thị mai', 'do thi', '0912 345 678', '0912.345.678', '84912345678', '+84 912 345 678', '912345678', 'mai.do']) {
    t.ok(searchText.includes(searchKey(typed)), `"${typed}" matches`)
  }
  t.equal(searchKey('  Nguyễn   Văn ĐẠT '), 'nguyen van dat')
  t.equal(searchKey('Hoà Phước'), 'hoa phuoc', 'precomposed and combining marks alike')
})

t.test('customer edge cases: nulls, no default address, invalid phone kept raw, gender and tags', async (t) => {
  const c = haravanCustomerSchema.parse({
    id: '42',
    email: null,
    phone: '12345',
    first_name: 'Tuấn',
    last_name: null,
    birthday: null,
    gender: null,
    addresses: [{ province: 'Hà Nội', district: 'Ba Đình', ward: null, address1: '1 Điện Biên Phủ', default: false }],
    default_address: null,
    tags: ' a , ,b ',
    total_spent: '13200000.0000',
    some_new_field: { x: 1 },
  })
  const row = mapCustomer(SHOP, c, NOW)
  t.equal(row.id, 42)
  t.equal(row.phone, '12345', 'the raw phone is kept')
  t.equal(row.phoneE164, null, 'an invalid phone has no E.164')
  t.equal(row.fullName, 'Tuấn')
  t.equal(row.gender, 'unknown')
  t.equal(row.province, 'Hà Nội', 'the first address when none is default')
  t.equal(row.address, '1 Điện Biên Phủ')
  t.same(row.tags, ['a', 'b'])
  t.equal(row.haravanTotalSpent, 13200000)
  t.equal(row.haravanUpdatedAt, null)
  t.ok(row.searchText?.includes('12345'))

  t.equal(genderOf(1), 'male')
  t.equal(genderOf(0), 'female')
  t.equal(genderOf(2), 'unknown')
  t.equal(fullName('Nguyễn Thị ', ' Lan'), 'Nguyễn Thị Lan')
  t.same(splitTags(['x ', ' y']), ['x', 'y'])
  t.equal(birthdayDate('1992-10-14T00:00:00Z'), '1992-10-14')
  t.equal(birthdayDate('1992-10-14'), '1992-10-14')
  t.equal(birthdayDate('1992-10-13T17:00:00Z'), '1992-10-14', 'midnight in Vietnam sent as UTC')
  t.equal(birthdayDate('not a date'), null)
})

t.test('schemas reject what cannot be mapped safely', async (t) => {
  t.notOk(haravanCustomerSchema.safeParse({ email: 'x@y.vn' }).success, 'no id')
  t.notOk(haravanOrderSchema.safeParse({ id: 1, total_price: 'một triệu' }).success, 'money that is not a number')
  t.notOk(haravanOrderSchema.safeParse({ id: 1, updated_at: 'yesterday' }).success, 'a timestamp that is not one')
})

t.test('a text field sent as a number is its text: the order and its buyer are kept', async (t) => {
  const o = haravanOrderSchema.parse({ ...(fixture('order-paid.json') as object), name: null, order_number: 100020, customer: { id: 7, phone: 912345678, email: null } })
  const row = mapOrder(SHOP, o, NOW)
  t.equal(row.name, '100020', 'order_number as the name')
  t.equal(row.phoneE164, '+84912345678', "the buyer's phone, normalised")
  const c = mapCustomer(SHOP, haravanCustomerSchema.parse({ id: 8, phone: 912345678, first_name: 2026, last_name: null }), NOW)
  t.equal(c.phoneE164, '+84912345678')
  t.equal(c.fullName, '2026')
  t.notOk(haravanOrderSchema.safeParse({ id: 1, name: true }).success, 'a boolean is not text')
  t.notOk(haravanOrderSchema.safeParse({ id: 1, name: { a: 1 } }).success, 'an object is not text')
})

t.test('the paid order fixture maps to an orders row, money as integer đồng', async (t) => {
  const o = haravanOrderSchema.parse(fixture('order-paid.json'))
  const row = mapOrder(SHOP, o, NOW)
  t.match(row, {
    shopId: SHOP,
    id: 1138637099,
    name: '#100020',
    customerId: 1037889951,
    email: 'lan.nguyen@example.vn',
    phoneE164: '+84912345678',
    totalPrice: 1680000,
    subtotalPrice: 1650000,
    shippingPrice: 30000,
    totalDiscounts: 0,
    refundedAmount: 0,
    financialStatus: 'paid',
    fulfillmentStatus: 'notfulfilled',
    cancelledAt: null,
    sourceName: 'web',
    gateway: 'COD',
  })
  t.equal(row.haravanUpdatedAt?.toISOString(), '2026-11-01T07:37:04.120Z')
  for (const k of ['totalPrice', 'subtotalPrice', 'shippingPrice', 'refundedAmount'] as const) t.ok(Number.isInteger(row[k]), `${k} is an integer`)
})

t.test('money 13200000.0000 (number or string) → 13200000; decimals are cut, never floated', async (t) => {
  const json = '{"id":7,"total_price":13200000.0000,"subtotal_price":"13199999.9999","shipping_lines":[{"price":0.29},{"price":"15000.50"}]}'
  const row = mapOrder(SHOP, haravanOrderSchema.parse(JSON.parse(json)), NOW)
  t.equal(row.totalPrice, 13200000)
  t.equal(row.subtotalPrice, 13199999)
  t.equal(row.shippingPrice, 15000)
})

t.test('a POS order without a customer takes its phone from the billing, then the shipping address', async (t) => {
  const base = { id: 9, customer: null, source_name: 'pos', total_price: 100000 }
  t.equal(mapOrder(SHOP, haravanOrderSchema.parse({ ...base, billing_address: { phone: '0987 654 321' }, shipping_address: { phone: '0912345678' } }), NOW).phoneE164, '+84987654321')
  t.equal(mapOrder(SHOP, haravanOrderSchema.parse({ ...base, billing_address: { phone: null }, shipping_address: { phone: '0912345678' } }), NOW).phoneE164, '+84912345678')
  t.equal(mapOrder(SHOP, haravanOrderSchema.parse({ ...base, billing_address: null, shipping_address: null }), NOW).phoneE164, null)
  t.equal(mapOrder(SHOP, haravanOrderSchema.parse(base), NOW).customerId, null)
})

t.test('refunds: refund transactions summed; refunded without transactions is the whole total', async (t) => {
  const partial = haravanOrderSchema.parse({
    id: 1,
    total_price: '500000.0000',
    financial_status: 'partially_refunded',
    refunds: [
      { transactions: [{ kind: 'refund', amount: 100000.0, status: 'success' }, { kind: 'refund', amount: 5000, status: 'failure' }] },
      { transactions: [{ kind: 'refund', amount: '50000.0000' }, { kind: 'capture', amount: 500000 }] },
    ],
  })
  t.equal(refundedAmount(partial), 150000)
  const full = haravanOrderSchema.parse({ id: 2, total_price: 320000, financial_status: 'refunded', refunds: [] })
  t.equal(mapOrder(SHOP, full, NOW).refundedAmount, 320000)
  const cancelled = haravanOrderSchema.parse({ id: 3, total_price: 1, cancelled_at: '2026-11-02T01:00:00Z', cancel_reason: 'customer' })
  t.equal(mapOrder(SHOP, cancelled, NOW).cancelledAt?.toISOString(), '2026-11-02T01:00:00.000Z')
})
