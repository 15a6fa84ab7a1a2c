// Browser test of Cấu hình → Tin nhắn: the Gmail preset, a test send to a local SMTP server with a wrong password
// (the Vietnamese explanation shown), then the right one, and the SMS counter with bỏ dấu; a member's consents and messages.
/// <reference lib="dom" />
import t from 'tap'
import { authHeaders, build } from '../helper.ts'
import { getConsents } from '../../server/messaging/consent.ts'
import { haravanCustomer, startSmtpPeer } from '../messaging/helpers.ts'
import { checkWidths, confirm, dismissToasts, launch, openAdmin, skip, toastText, watchedPage } from './helpers.ts'

const APP_PASSWORD = 'abcd efgh ijkl mnop'

t.test('settings page: Gmail preset, test send with a wrong then the right app password, SMS counter', { skip }, async (t) => {
  const peer = await startSmtpPeer(t, { user: 'cuahang@gmail.com', password: APP_PASSWORD })
  const { app, shopId } = await build(t)
  const { page, pageErrors } = await openAdmin(t, app, shopId, { path: '/settings/messages' })
  await page.getByTestId('email-form').waitFor()
  t.equal(await page.getByTestId('page-title').textContent(), 'Cấu hình tin nhắn')

  // The Gmail preset fills smtp.gmail.com:587 STARTTLS, 500 a day, and shows the help pages' steps.
  t.equal(await page.getByTestId('email-preset').inputValue(), 'gmail')
  await page.getByTestId('email-preset').selectOption('workspace')
  t.equal(await page.getByTestId('email-limit').inputValue(), '2000', 'Workspace: 2,000 a day')
  await page.getByTestId('email-preset').selectOption('gmail')
  t.equal(await page.getByTestId('email-host').inputValue(), 'smtp.gmail.com')
  t.equal(await page.getByTestId('email-port').inputValue(), '587')
  t.equal(await page.getByTestId('email-security').inputValue(), 'starttls')
  t.equal(await page.getByTestId('email-limit').inputValue(), '500')
  t.match(await page.getByTestId('gmail-steps').textContent(), /Xác minh 2 bước.*Mật khẩu ứng dụng/s)
  await checkWidths(t, page, 'messaging-gmail', [1024, 1280])

  // The test points the form at a local SMTP server (plain, so no certificate is needed) with a wrong app password.
  await page.getByTestId('email-host').fill('127.0.0.1')
  await page.getByTestId('email-port').fill(String(peer.port))
  await page.getByTestId('email-security').selectOption('none')
  await page.getByTestId('email-username').fill('cuahang@gmail.com')
  await page.getByTestId('email-password').fill('sai mat khau ung dung')
  await page.getByTestId('email-from-name').fill('Cửa hàng Demo')
  await page.getByTestId('email-from').fill('cuahang@gmail.com')
  await page.getByTestId('email-save').click()
  t.match(await toastText(page), /^Đã lưu\./, 'saving says so in a toast')
  t.equal(await page.getByTestId('email-password').inputValue(), '', 'the password field is emptied after saving')
  await dismissToasts(page)

  await page.getByTestId('email-test-to').fill('chu.cuahang@example.vn')
  await page.getByTestId('email-test-send').click()
  const error = page.getByTestId('email-test-error')
  await error.waitFor()
  t.equal(await error.getAttribute('role'), 'alert', 'the failure is a critical banner, announced')
  t.match(await error.textContent(), /Sai tên đăng nhập hoặc mật khẩu/, 'the wrong password is explained in Vietnamese')
  t.match(await error.textContent(), /Mật khẩu ứng dụng 16 ký tự/)
  t.equal(peer.received.length, 0)

  await page.getByTestId('email-password').fill(APP_PASSWORD)
  await page.getByTestId('email-save').click()
  t.match(await toastText(page), /^Đã lưu\./)
  await page.getByTestId('email-test-send').click()
  await page.getByTestId('email-test-ok').waitFor()
  t.equal(peer.received.length, 1, 'the test mail arrived')

  // The SMS counter: Vietnamese with accents is Unicode (70 a part); bỏ dấu makes it GSM-7 (160).
  const text = page.getByTestId('sms-editor-text')
  await text.fill('Chúc mừng sinh nhật! Cửa hàng tặng bạn mã giảm giá 50.000đ cho đơn từ 300.000đ, hạn dùng đến hết tháng này.')
  t.match(await page.getByTestId('sms-editor-count').textContent(), /2 phần · có dấu \(Unicode\)/)
  await page.getByTestId('sms-editor-plain').click()
  t.equal(await text.inputValue(), 'Chuc mung sinh nhat! Cua hang tang ban ma giam gia 50.000d cho don tu 300.000d, han dung den het thang nay.')
  t.match(await page.getByTestId('sms-editor-count').textContent(), /1 phần · không dấu \(GSM-7\)/)

  await checkWidths(t, page, 'messaging')
  t.same(pageErrors, [], 'no uncaught errors in the page')
})

t.test('the unsubscribe page: the link opens a Vietnamese page, the button refuses that channel', { skip }, async (t) => {
  const { app, shopId } = await build(t)
  const origin = await app.listen({ port: 0, host: '127.0.0.1' })
  await haravanCustomer(app.db, shopId, { id: 4242, acceptsMarketing: true }, app.clock())
  const link = new URL(app.messaging.unsubscribeUrl(shopId, 4242, 'email'))
  const browser = await launch(t)
  const { page, pageErrors } = await watchedPage(browser, 700)

  await page.goto(`${origin}${link.pathname}`)
  t.equal(await page.locator('h1').textContent(), 'Từ chối nhận tin')
  t.match(await page.locator('body').textContent(), /email quảng cáo từ Cửa hàng Demo/)
  await page.getByRole('button', { name: 'Xác nhận từ chối nhận tin' }).click()
  await page.locator('h1', { hasText: 'Đã từ chối nhận tin' }).waitFor()
  t.equal((await getConsents(app.db, shopId, 4242)).email.state, 'refused')

  await page.goto(`${origin}/u/${link.pathname.slice(3, -4)}AAAA`)
  t.equal(await page.locator('h1').textContent(), 'Liên kết không hợp lệ', 'a tampered link')
  t.same(pageErrors, [])
})

t.test('member profile: consent shown as badges, a refusal asks first and needs a reason; the messages table', { skip }, async (t) => {
  const { app, shopId } = await build(t)
  await haravanCustomer(app.db, shopId, { id: 5151, email: 'lan@example.vn', acceptsMarketing: true }, app.clock())
  const activated = await app.inject({ method: 'POST', url: '/api/customers/activate', headers: await authHeaders(app), payload: { customerIds: [5151] } })
  t.same(activated.json().activated, [5151])
  for (let i = 1; i <= 2; i++) {
    await app.messaging.send({ shopId, channel: 'email', kind: 'care', customerId: 5151, to: 'lan@example.vn', source: { type: 'campaign', id: `c${i}` }, email: { subject: `Chúc mừng sinh nhật ${i}`, html: '<p>Chào</p>' } })
  }
  await app.messaging.send({ shopId, channel: 'sms', kind: 'advertising', customerId: 5151, to: '+84912345678', source: { type: 'campaign', id: 'c3' }, sms: { text: 'Khuyen mai' } })
  const { page, pageErrors } = await openAdmin(t, app, shopId, { path: '/members/5151' })
  await page.getByTestId('member-consents').waitFor()

  const state = page.getByTestId('consent-sms-state')
  t.equal(await state.innerText(), 'Đồng ý nhận quảng cáo')
  t.match(await state.getAttribute('class'), /badge--success/, 'consent is a green badge')
  await page.getByTestId('consent-sms-refuse').click()
  t.match(await page.getByTestId('member-consents').innerText(), /Hãy ghi lý do\./, 'no reason, no refusal: the field says why')
  t.equal(await page.getByTestId('consent-sms-reason').getAttribute('aria-invalid'), 'true')

  await page.getByTestId('consent-sms-reason').fill('Khách gọi điện yêu cầu')
  await page.getByTestId('consent-sms-refuse').click()
  t.match(await confirm(page, false), /Ghi nhận "Từ chối nhận tin" cho kênh SMS\?.*Khách gọi điện yêu cầu/s, 'a refusal asks first, with the reason')
  t.equal((await getConsents(app.db, shopId, 5151)).sms.state, 'consented', 'cancelled: nothing recorded')
  await page.getByTestId('consent-sms-refuse').click()
  await confirm(page)
  t.match(await toastText(page), /^Đã ghi nhận\./, 'recording says so in a toast')
  await state.filter({ hasText: 'Từ chối nhận tin' }).waitFor()
  t.match(await state.getAttribute('class'), /badge--critical/, 'refusal is a red badge')
  t.equal((await getConsents(app.db, shopId, 5151)).sms.state, 'refused')
  t.equal(await page.getByTestId('consent-sms-reason').inputValue(), '', 'the reason field is emptied')

  const rows = page.getByTestId('message-row')
  t.equal(await rows.count(), 3, 'the three messages are listed')
  t.match(await rows.first().innerText(), /SMS.*Quảng cáo.*0912 345 678/s, 'newest first, the phone written 0912 345 678')
  t.match(await page.getByTestId('member-messages').innerText(), /Chúc mừng sinh nhật 2/)
  await page.getByTestId('member-consents').scrollIntoViewIfNeeded()
  await checkWidths(t, page, 'member-messaging')
  t.same(pageErrors, [], 'no uncaught errors in the page')
})
