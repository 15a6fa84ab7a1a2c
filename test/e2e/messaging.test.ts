// Browser test of Cấu hình → Tin nhắn: the Gmail preset, a test send to a local SMTP server with a wrong password
// (the Vietnamese explanation shown), then the right one, and the SMS counter with bỏ dấu.
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { build, mintSessionToken } from '../helper.ts'
import { getConsents } from '../../server/messaging/consent.ts'
import { haravanCustomer, startSmtpPeer } from '../messaging/helpers.ts'
import { launch, skipWithoutChromium, watchedPage } from './browser.ts'

const screenshotPath = fileURLToPath(new URL('./screenshots/messaging.png', import.meta.url))
const APP_PASSWORD = 'abcd efgh ijkl mnop'

t.test('settings page: Gmail preset, test send with a wrong then the right app password, SMS counter', { skip: skipWithoutChromium }, async (t) => {
  const peer = await startSmtpPeer(t, { user: 'cuahang@gmail.com', password: APP_PASSWORD })
  const { app, shopId } = await build(t)
  const origin = await app.listen({ port: 0, host: '127.0.0.1' })
  const token = await mintSessionToken(app, shopId)
  const browser = await launch(t)
  const { page, pageErrors } = await watchedPage(browser, 1400)

  await page.goto(`${origin}/settings/messages#token=${encodeURIComponent(token)}`)
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

  // The test points the form at a local SMTP server (plain, so no certificate is needed) with a wrong app password.
  await page.getByTestId('email-host').fill('127.0.0.1')
  await page.getByTestId('email-port').fill(String(peer.port))
  await page.getByTestId('email-security').selectOption('none')
  await page.getByTestId('email-username').fill('cuahang@gmail.com')
  await page.getByTestId('email-password').fill('sai mat khau ung dung')
  await page.getByTestId('email-from-name').fill('Cửa hàng Demo')
  await page.getByTestId('email-from').fill('cuahang@gmail.com')
  await page.getByTestId('email-save').click()
  await page.getByTestId('email-save-status-ok').waitFor()
  t.equal(await page.getByTestId('email-password').inputValue(), '', 'the password field is emptied after saving')

  await page.getByTestId('email-test-to').fill('chu.cuahang@example.vn')
  await page.getByTestId('email-test-send').click()
  const error = page.getByTestId('email-test-error')
  await error.waitFor()
  t.match(await error.textContent(), /Sai tên đăng nhập hoặc mật khẩu/, 'the wrong password is explained in Vietnamese')
  t.match(await error.textContent(), /Mật khẩu ứng dụng 16 ký tự/)
  t.equal(peer.received.length, 0)

  await page.getByTestId('email-password').fill(APP_PASSWORD)
  await page.getByTestId('email-save').click()
  await page.getByTestId('email-save-status-ok').waitFor()
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

  await mkdir(dirname(screenshotPath), { recursive: true })
  await page.screenshot({ path: screenshotPath, fullPage: true })
  t.same(pageErrors, [], 'no uncaught errors in the page')
})

t.test('the unsubscribe page: the link opens a Vietnamese page, the button refuses that channel', { skip: skipWithoutChromium }, async (t) => {
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
