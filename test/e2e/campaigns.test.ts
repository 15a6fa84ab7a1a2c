// Browser test of Chiến dịch: the empty list, the wizard (live count, an unknown variable shown on its field, the
// confirm dialog's counts), the start, progress to done, and the messages filtered by status, at 1024, 1280 and 390 px.
/// <reference lib="dom" />
import t from 'tap'
import { authHeaders, build } from '../helper.ts'
import { announcement, createCampaign, seedMembers, smtpPeer, useSmtp } from '../campaigns/helpers.ts'
import { checkPage, confirm, navigate, openAdmin, skip, toastText } from './helpers.ts'

t.test('an announcement to all members by email: wizard, confirm with counts, progress to done, messages by status', { skip }, async (t) => {
  const smtp = await smtpPeer(t)
  const { app, shopId } = await build(t, { jobs: true })
  await useSmtp(app, await authHeaders(app, shopId), smtp.port)
  await seedMembers(app, shopId, [
    { id: 1, name: 'Nguyễn Thị Lan', email: 'lan@example.vn', member: { pointsAvailable: 1200 } },
    { id: 2, name: 'Trần Văn Bình', email: 'binh@example.vn' },
    { id: 3, name: 'Lê Minh Châu', email: 'chau@example.vn' },
    { id: 4, name: 'Phạm Thu Dung', email: 'dung@example.vn' },
    { id: 5, name: 'Hoàng Em', phone: '0912345678' },
  ], [1, 2, 3, 5])
  const { page, pageErrors } = await openAdmin(t, app, shopId, { height: 900 })

  await navigate(page, 'Chiến dịch')
  await page.getByTestId('campaigns-empty').waitFor()
  t.match(await page.getByTestId('campaigns-empty').innerText(), /Chưa có chiến dịch nào/, 'an empty list says so and offers to start')
  await checkPage(t, page, 'campaigns-empty')

  await page.getByTestId('campaigns-empty').getByRole('link', { name: 'Tạo chiến dịch' }).click()
  await page.getByTestId('page-title').filter({ hasText: 'Tạo chiến dịch' }).waitFor()
  t.equal(await page.getByTestId('step-kind').getAttribute('aria-selected'), 'true', 'the wizard opens on its first step')
  t.ok(await page.getByTestId('kind-announcement').isChecked(), 'an announcement is the default kind')
  await checkPage(t, page, 'campaign-wizard-kind')
  await page.getByTestId('wizard-next').click()

  await page.getByTestId('wizard-audience').waitFor()
  t.ok(await page.getByTestId('audience-all').isChecked(), 'all members by default')
  await page.getByTestId('live-count').filter({ hasText: /^5$/ }).waitFor()
  t.pass('the live count shows the 5 members')
  await checkPage(t, page, 'campaign-wizard-audience')
  await page.getByTestId('wizard-next').click()

  await page.getByTestId('wizard-channels').waitFor()
  t.ok(await page.getByTestId('channel-email').isChecked(), 'email is chosen')
  t.notOk(await page.getByTestId('channel-sms').isChecked(), 'SMS is not')
  await page.getByTestId('wizard-next').click()

  await page.getByTestId('wizard-content').waitFor()
  await page.getByTestId('campaign-name').fill('Khai trương chi nhánh Quận 3')
  await page.getByTestId('email-subject').fill('{{ten_khach}} ơi, cửa hàng mới')
  await page.getByTestId('email-html').fill('<p>Chào {{ho_ten}}, bạn đang có {{diem}} điểm.</p>')
  t.match(await page.getByTestId('email-preview').innerText(), /Chào Nguyễn Thị Lan, bạn đang có 1\.250 điểm\./, 'the preview fills the variables for a sample member')
  await page.getByTestId('wizard-next').click()
  const subjectError = page.locator('.field', { has: page.getByTestId('email-subject') }).locator('.field__error')
  await subjectError.waitFor()
  t.match(await subjectError.innerText(), /Biến không tồn tại \{\{ten_khach\}\}/, "the API's 400 for an unknown variable shows under the subject")
  t.equal(await page.getByTestId('email-subject').getAttribute('aria-invalid'), 'true', 'and marks the field invalid')
  t.equal(await page.getByTestId('step-content').getAttribute('aria-selected'), 'true', 'the wizard stays on the content step')
  await checkPage(t, page, 'campaign-wizard-unknown-variable')

  await page.getByTestId('email-subject').fill('{{ten}} ơi, cửa hàng mới')
  await page.getByTestId('wizard-next').click()
  t.match(await toastText(page), /Đã lưu nháp/, 'saving the draft says so')
  await page.getByTestId('wizard-schedule').waitFor()
  t.ok(await page.getByTestId('send-now').isChecked(), 'sent now by default')
  await page.getByTestId('wizard-next').click()

  await page.getByTestId('campaign-confirm').waitFor()
  t.equal(await page.getByTestId('confirm-audience').innerText(), '5', 'the confirm step: 5 members')
  t.equal(await page.getByTestId('confirm-email').innerText(), '3', '3 emails (4 have an address, 3 consented)')
  await checkPage(t, page, 'campaign-wizard-confirm')

  await page.getByTestId('campaign-start').click()
  await page.getByTestId('confirm-dialog').getByRole('heading').waitFor()
  await checkPage(t, page, 'campaign-confirm-dialog')
  const asked = await confirm(page)
  t.match(asked, /Bắt đầu chiến dịch "Khai trương chi nhánh Quận 3"\?/, 'starting asks first')
  t.match(asked, /Đối tượng: 5 thành viên/, 'the dialog gives the audience')
  t.match(asked, /Email: 3 thư sẽ gửi \(3 đồng ý nhận, 0 đã đủ 3 tin\/24 giờ, 4 có email\)/, 'the emails per channel')
  t.match(asked, /Giới hạn 10\.000 email\/ngày: gửi xong trong khoảng 1 ngày/, 'and the ETA under the daily limit')

  await page.getByTestId('page-title').filter({ hasText: 'Khai trương chi nhánh Quận 3' }).waitFor()
  await page.getByTestId('campaign-status').filter({ hasText: 'Đã gửi xong' }).waitFor({ timeout: 60_000 })
  t.equal(await page.getByTestId('campaign-progress').getByRole('progressbar').getAttribute('aria-valuenow'), '100', 'the progress bar reaches the end')
  t.match(await page.getByTestId('campaign-progress-text').innerText(), /Đã xử lý 5\/5/, 'every recipient processed')
  t.equal(await page.getByTestId('stat-sent').innerText(), '3', '3 sent')
  t.equal(await page.getByTestId('stat-skipped').innerText(), '2', '2 skipped')
  t.same(smtp.mails.map(m => m.to[0]).sort(), ['binh@example.vn', 'chau@example.vn', 'lan@example.vn'], 'the SMTP server got the 3 emails')

  const rows = page.getByTestId('message-row')
  await rows.nth(4).waitFor()
  t.equal(await rows.count(), 5, 'the messages list has one row per recipient')
  await checkPage(t, page, 'campaign-detail')
  await page.getByTestId('message-status').selectOption('skipped')
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="message-row"]').length === 2)
  const skipped = await rows.allInnerTexts()
  t.ok(skipped.every(r => /Bỏ qua/.test(r)), 'filtered by status: only the skipped ones')
  t.ok(skipped.some(r => /Chưa đồng ý nhận quảng cáo/.test(r)) && skipped.some(r => /Không có địa chỉ nhận/.test(r)), 'each with its reason in words')
  await checkPage(t, page, 'campaign-detail-skipped')

  await page.setViewportSize({ width: 1280, height: 900 })
  await checkPage(t, page, 'campaign-detail-1280')
  await page.setViewportSize({ width: 390, height: 844 })
  await checkPage(t, page, 'campaign-detail-390')
  await page.setViewportSize({ width: 1024, height: 900 })

  await navigate(page, 'Chiến dịch')
  const row = page.getByTestId('campaign-row').filter({ hasText: 'Khai trương chi nhánh Quận 3' })
  t.match(await row.innerText(), /Gửi thông báo\s+Đã gửi xong\s+Tất cả thành viên\s+3/, 'the list shows kind, status, audience and sent')
  await checkPage(t, page, 'campaigns')

  // A discount campaign by email and SMS: the code's fields and the SMS editor with its part counter.
  await page.getByTestId('campaign-new').click()
  await page.getByTestId('kind-promo').check()
  await page.getByTestId('wizard-next').click()
  await page.getByTestId('wizard-next').click()
  await page.getByTestId('channel-sms').check()
  await page.getByTestId('wizard-next').click()
  await page.getByTestId('sms-text').fill('Mã {{ma_giam_gia}} giảm 50.000đ đến {{han_su_dung}}')
  t.match(await page.getByTestId('sms-count').innerText(), /1/, 'the SMS editor counts the parts')
  t.match(await page.getByTestId('sms-preview').innerText(), /Mã CD-7KQ2M9PX giảm 50\.000đ đến 31\/12\/2026/, 'and the SMS preview fills the code variables')
  await page.getByTestId('wizard-next').click()
  const dateError = page.locator('.field', { has: page.getByLabel('Đến hết ngày') }).locator('.field__error')
  await dateError.waitFor()
  t.match(await dateError.innerText(), /Cần thời gian áp dụng của mã/, 'a discount without its dates: the message under the date fields')
  await checkPage(t, page, 'campaign-wizard-promo-content')
  await page.setViewportSize({ width: 390, height: 844 })
  await checkPage(t, page, 'campaign-wizard-promo-content-390')
  await page.setViewportSize({ width: 1024, height: 900 })

  // A draft made elsewhere: its page asks before starting (with the counts), and before cancelling (with what is lost).
  const draft = await createCampaign(app, await authHeaders(app, shopId), announcement({ name: 'Bản nháp tháng 12' }))
  await page.goto(`${page.url().split('/campaigns')[0]}/campaigns/${draft.id}`)
  await page.getByTestId('page-title').filter({ hasText: 'Bản nháp tháng 12' }).waitFor()
  t.equal(await page.getByTestId('campaign-status').innerText(), 'Nháp', 'a draft is badged as such')
  await page.getByTestId('campaign-start').click()
  t.match(await confirm(page, false), /Email: 3 thư sẽ gửi/, 'starting from the campaign page shows the counts too (declined here)')
  await page.getByTestId('campaign-cancel').click()
  const cancelling = await confirm(page)
  t.match(cancelling, /Chiến dịch sẽ không được gửi\.\s+Không thể bật lại chiến dịch đã hủy\./, 'cancelling says what it means')
  t.match(await toastText(page), /Đã hủy chiến dịch/, 'and confirms it')
  t.equal(await page.getByTestId('campaign-status').innerText(), 'Đã hủy', 'the badge follows')
  t.equal(await page.getByTestId('campaign-cancel').count(), 0, 'a cancelled campaign has no cancel button')
  t.same(pageErrors, [], 'no uncaught errors in the page')
})
