// Browser test of Nhập dữ liệu đầu kỳ and Điều chỉnh điểm hàng loạt: upload, preview, confirm, result, undo; one app and browser.
/// <reference lib="dom" />
import t from 'tap'
import { build } from '../helper.ts'
import { messyFile, seedCustomers } from '../imports/helpers.ts'
import { checkPage, confirm, navigate, openAdmin, skip } from './helpers.ts'

const adjustmentFile = () => Buffer.from([
  'SoDienThoai;NoiDungDieuChinh;DiemDieuChinh',
  '0912 345 678;Tặng điểm sinh nhật;+100',
  '0987654321;Trừ điểm đơn hủy;-20',
  '0999999999;Không có khách này;+5',
].join('\r\n') + '\r\n', 'utf8')

t.test('opening balances and a bulk adjustment go through preview, confirm, result and undo', { skip }, async (t) => {
  const { app, shopId } = await build(t, { jobs: true })
  await seedCustomers(app, shopId)
  const { page, pageErrors } = await openAdmin(t, app, shopId, { height: 900 })
  await navigate(page, 'Nhập dữ liệu đầu kỳ')

  const openingTab = page.getByTestId('tab-opening')
  t.equal(await openingTab.getAttribute('aria-selected'), 'true', 'the opening-balance tab is the selected one')
  const tabLine = await openingTab.evaluate((el) => getComputedStyle(el, '::after').backgroundColor)
  t.not(tabLine, 'rgba(0, 0, 0, 0)', 'and it is underlined so it can be told apart')

  await page.getByTestId('import-file').setInputFiles({ name: 'du-lieu-dau-ky.csv', mimeType: 'text/csv', buffer: messyFile() })
  const current = page.getByTestId('import-current')
  await current.and(page.locator('[data-status="previewed"]')).waitFor()
  t.match(await page.getByTestId('import-counts').innerText(), /Sẽ cập nhật\s+5/, 'the preview counts the matched lines')
  t.match(await page.getByTestId('import-problems').innerText(), /Trùng số điện thoại với dòng 2/, 'and lists the problem lines with their reasons')
  await checkPage(t, page, 'import-opening-preview')

  await page.getByTestId('import-confirm').click()
  t.match(await confirm(page), /Cập nhật điểm cho 5 khách hàng\?/, 'confirming asks first, naming how many customers change')
  await current.and(page.locator('[data-status="done"]')).waitFor({ timeout: 30_000 })
  t.equal(await page.getByTestId('import-result').innerText(), 'Đã cập nhật 5 khách hàng, tổng 950 điểm thưởng.')
  t.match(await page.getByTestId('import-rule').innerText(), /10\.000\s₫ = 1 điểm thưởng \(làm tròn xuống\), 1\s₫ = 1 điểm xếp hạng/, 'the conversion the import used')
  await checkPage(t, page, 'import-opening-done')

  await page.getByTestId('import-undo').click()
  t.match(await confirm(page), /Hoàn tác lần nhập này\?/, 'undo asks first')
  await current.and(page.locator('[data-status="undone"]')).waitFor({ timeout: 30_000 })
  t.ok(await page.getByTestId('import-undone').isVisible(), 'the undo is reported')

  await page.getByTestId('tab-adjustment').click()
  await page.getByTestId('page-title').waitFor()
  t.equal(await page.getByTestId('tab-adjustment').getAttribute('aria-selected'), 'true', 'the adjustment tab is now the selected one')
  await page.getByTestId('import-file').setInputFiles({ name: 'dieu-chinh.csv', mimeType: 'text/csv', buffer: adjustmentFile() })
  await current.and(page.locator('[data-status="previewed"]')).waitFor()
  t.match(await page.getByTestId('import-counts').innerText(), /Sẽ cập nhật\s+2/, 'two lines will adjust points')
  t.match(await page.getByTestId('import-counts').innerText(), /Không tìm thấy khách hàng\s+1/, 'one phone is nobody')
  await checkPage(t, page, 'import-adjustment-preview')

  await page.getByTestId('import-confirm').click()
  t.match(await confirm(page), /Điều chỉnh điểm cho 2 khách hàng\?/)
  await current.and(page.locator('[data-status="done"]')).waitFor({ timeout: 30_000 })
  t.match(await page.getByTestId('import-result').innerText(), /Đã cập nhật 2 khách hàng/, 'the result names the customers adjusted')
  t.equal(await page.getByTestId('import-history').locator('tbody tr').count(), 1, 'the past imports list the adjustment')
  await checkPage(t, page, 'import-adjustment-done')

  await page.getByTestId('import-undo').click()
  await confirm(page)
  await current.and(page.locator('[data-status="undone"]')).waitFor({ timeout: 30_000 })
  t.same(pageErrors, [], 'no uncaught errors in the page')
})
