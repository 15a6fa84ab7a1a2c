// Browser test of Khách hàng từ Haravan (activate) and Hồ sơ thành viên (search, open, adjust with the balance shown).
/// <reference lib="dom" />
import t from 'tap'
import { build } from '../helper.ts'
import { seedCustomers } from '../imports/helpers.ts'
import { checkPage, confirm, navigate, openAdmin, skip, toastText } from './helpers.ts'

t.test('a customer is activated, found among the members, opened and given then docked points', { skip }, async (t) => {
  const { app, shopId } = await build(t)
  await seedCustomers(app, shopId)
  const { page, pageErrors } = await openAdmin(t, app, shopId)

  await navigate(page, 'Khách hàng từ Haravan')
  const row = page.getByTestId('customer-row').filter({ hasText: 'Nguyễn Văn An' })
  t.match(await row.innerText(), /0912 345 678/, 'phone numbers read 0912 345 678')
  await checkPage(t, page, 'customers')
  await row.getByTestId('activate-one').click()
  t.match(await confirm(page), /Kích hoạt thành viên cho 1 khách hàng\?/, 'activation asks first')
  t.match(await toastText(page), /Đã kích hoạt 1 thành viên/, 'and says what it did')
  await row.locator('.badge').getByText('Thành viên').waitFor()

  await navigate(page, 'Hồ sơ thành viên')
  await page.getByTestId('list-total').filter({ hasText: '2 khách hàng' }).waitFor()
  await page.getByTestId('customer-search').fill('an@example')
  await page.getByTestId('list-total').filter({ hasText: '1 khách hàng' }).waitFor()
  t.equal(await page.getByTestId('customer-row').count(), 1, 'the search narrows the list to the one member')
  await checkPage(t, page, 'members')
  const prev = page.getByRole('button', { name: 'Trang trước' })
  t.ok(await prev.isDisabled(), '"Trang trước" is disabled on the first page')
  t.equal(await prev.evaluate((el) => getComputedStyle(el).cursor), 'not-allowed', 'and looks it')

  await page.getByRole('link', { name: 'Nguyễn Văn An' }).click()
  await page.getByTestId('page-title').filter({ hasText: 'Nguyễn Văn An' }).waitFor()
  t.match(await page.getByTestId('member-contact').innerText(), /0912 345 678/, 'the profile shows the phone the same way')

  await page.getByTestId('adjust-points').fill('200')
  await page.getByTestId('adjust-reason').fill('Tặng điểm khai trương')
  await page.getByTestId('adjust-submit').click()
  const adding = await confirm(page)
  t.match(adding, /Điểm khả dụng hiện tại: 0/, 'the confirm shows the current balance')
  t.match(adding, /Điểm khả dụng sau điều chỉnh: 200/, 'and the resulting one')
  t.notMatch(adding, /Số dư sẽ âm/, 'no warning when the balance stays positive')
  await page.getByTestId('points-available').filter({ hasText: '200' }).waitFor()

  await page.getByTestId('adjust-points').fill('-1250')
  await page.getByTestId('adjust-reason').fill('Trừ điểm đơn hủy')
  await page.getByTestId('adjust-submit').click()
  const docking = await confirm(page)
  t.match(docking, /Điểm khả dụng sau điều chỉnh: -1\.050/, 'the resulting balance is formatted, sign and all')
  t.match(docking, /Số dư sẽ âm \(-1\.050 điểm\)/, 'and the dialog warns that it goes below zero')
  await page.getByTestId('points-available').filter({ hasText: '-1.050' }).waitFor()

  const history = page.getByTestId('history-row')
  await history.nth(1).waitFor()
  t.match(await history.first().innerText(), /Điều chỉnh thủ công\s+Trừ điểm đơn hủy\s+-1\.250/, 'history: the source in words, the reason as typed, signed points')
  await checkPage(t, page, 'member-profile')
  t.same(pageErrors, [], 'no uncaught errors in the page')
})
