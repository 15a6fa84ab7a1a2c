// Browser test of Cấu hình → Loyalty (a validation error, then a save), Ưu đãi (create, redeem) and Nhật ký hoạt động (filter).
/// <reference lib="dom" />
import t from 'tap'
import { authHeaders } from '../helper.ts'
import { ORGID, memberWithPoints, rewardsApp } from '../loyalty/rewards-fixtures.ts'
import { checkPage, confirm, dismissToasts, navigate, openAdmin, skip, toastText } from './helpers.ts'

t.test('loyalty settings refuse a bad value then save; a reward is created and redeemed; the log reads in words and filters', { skip }, async (t) => {
  const { app } = await rewardsApp(t)
  await memberWithPoints(app.db, ORGID, 501, 500)
  const { origin, page, pageErrors } = await openAdmin(t, app, ORGID, { height: 900 })

  await navigate(page, 'Loyalty', 'Cấu hình Loyalty')
  await page.getByTestId('vnd-per-point').fill('0')
  await page.getByTestId('save-settings').click()
  await page.getByTestId('settings-invalid').waitFor()
  t.match(await page.getByTestId('settings-invalid').innerText(), /Chưa lưu: hãy sửa các ô được đánh dấu đỏ\./, 'nothing is saved and the page says why')
  t.equal(await page.getByTestId('vnd-per-point').getAttribute('aria-invalid'), 'true', 'the bad field is marked')
  t.match(await page.getByTestId('loyalty-settings-form').innerText(), /Nhập một số nguyên từ 1 trở lên\./, 'with what a good value is')
  t.equal((await app.inject({ url: '/api/settings/loyalty', headers: await authHeaders(app, ORGID) })).json().earning.vndPerPoint, 10000, 'the stored rule is unchanged')
  await checkPage(t, page, 'settings-loyalty-error')
  await page.getByTestId('vnd-per-point').fill('20000')
  await page.getByTestId('save-settings').click()
  t.match(await toastText(page), /^Đã lưu\./, 'saving says so')
  await page.getByTestId('settings-invalid').waitFor({ state: 'detached' })
  t.equal((await app.inject({ url: '/api/settings/loyalty', headers: await authHeaders(app, ORGID) })).json().earning.vndPerPoint, 20000, 'the new rule is stored')

  await navigate(page, 'Ưu đãi')
  await page.getByTestId('add-reward-option').click()
  const option = page.getByTestId('reward-option-row').last()
  await option.getByTestId('option-name').fill('Giảm 50.000 ₫')
  await option.getByTestId('option-points').fill('200')
  await page.getByTestId('save-reward-options').click()
  t.match(await toastText(page), /Đã lưu/, 'the redemption option is saved')
  await page.getByTestId('add-tier-reward').click()
  const tierPicker = page.getByTestId('auto-reward-tier')
  t.same((await tierPicker.locator('option').allInnerTexts()), ['Chọn hạng', 'Thành viên', 'Bạc', 'Vàng', 'Kim cương'], 'a tier-upgrade reward picks its tier by name')
  await tierPicker.selectOption({ label: 'Vàng' })
  await dismissToasts(page)
  await page.getByTestId('save-auto-rewards').click()
  await toastText(page, 'Đã lưu')
  const headers = await authHeaders(app, ORGID)
  const automatic = (await app.inject({ url: '/api/rewards/automatic', headers })).json() as Array<{ trigger: string, tierId: string | null }>
  t.same(automatic.filter((r) => r.trigger === 'tier_upgrade').map((r) => r.tierId), [null, 'gold'], 'the tier-upgrade reward stores the tier id')
  await checkPage(t, page, 'settings-rewards')

  // Vàng is deleted afterwards: the reward is flagged instead of silently never firing.
  const tiers = (await app.inject({ url: '/api/tiers', headers })).json() as Array<{ id: string }>
  t.equal((await app.inject({ method: 'PUT', url: '/api/tiers', headers, payload: tiers.filter((x) => x.id !== 'gold') })).statusCode, 200)
  await navigate(page, 'Loyalty', 'Cấu hình Loyalty')
  await navigate(page, 'Ưu đãi')
  await page.getByTestId('tier-missing').waitFor()
  t.match(await page.getByTestId('auto-reward-tier_upgrade').last().innerText(), /Hạng đã bị xóa/, 'the reward for the deleted tier is flagged')

  await page.goto(`${origin}/members/501`)
  await page.getByTestId('points-available').filter({ hasText: '500' }).waitFor()
  await page.getByTestId('redeem-open').click()
  await page.getByTestId('redeem-option').click()
  t.match(await confirm(page), /Đổi 200 điểm lấy "Giảm 50\.000 ₫" cho thành viên này\?/, 'redeeming asks first')
  t.match(await toastText(page), /Đã tạo mã /, 'the code is created')
  await page.getByTestId('member-reward-row').waitFor()
  await page.getByTestId('points-available').filter({ hasText: '300' }).waitFor()
  // The history is fetched on its own: wait for it to show the redemption (the balance above may come first).
  await page.getByTestId('history-row').first().filter({ hasText: 'Đổi điểm lấy mã ưu đãi' }).waitFor()
  t.match(await page.getByTestId('history-row').first().innerText(), /Ưu đãi\s+Đổi điểm lấy mã ưu đãi\s+-200/, 'the history says what the points went on')
  await checkPage(t, page, 'member-rewards')

  await navigate(page, 'Nhật ký hoạt động')
  const rows = page.getByTestId('activity-row')
  await rows.first().waitFor()
  const all = await page.getByTestId('activity-table').innerText()
  t.match(all, /Cập nhật cấu hình Loyalty\s+Chủ cửa hàng\s+—\s+Thay đổi: Tích điểm/, 'a settings change reads in words, with who did it and what changed')
  t.match(all, /Phát mã ưu đãi\s+Chủ cửa hàng\s+\S.*\s+Mã \S+ · Đổi điểm · 200 điểm/, 'an issued reward names its code')
  t.notMatch(all, /[{}]/, 'no JSON in the log')
  await page.getByTestId('activity-action').selectOption({ label: 'Ưu đãi: tất cả thao tác' })
  await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid="activity-row"]')).every((r) => r.textContent?.includes('Phát mã ưu đãi')))
  t.equal(await rows.count(), 1, 'filtering by kind leaves the reward only')
  await checkPage(t, page, 'activity-filtered')
  await page.getByTestId('activity-from').fill('2099-01-01')
  await page.getByText('Chưa có hoạt động nào.').waitFor()
  t.equal(await rows.count(), 0, 'and a date range after today leaves nothing')
  t.same(pageErrors, [], 'no uncaught errors in the page')
})
