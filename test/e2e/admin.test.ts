// Browser test of the embedded admin: the real app and session token, driven in Chromium by playwright-core.
/// <reference lib="dom" />
import t from 'tap'
import { build, mintSessionToken } from '../helper.ts'
import { checkPage, launch, skip, watchedPage } from './helpers.ts'

t.test('the admin opens from a launch token, navigates, switches language and survives a reload', { skip }, async (t) => {
  const { app, shopId } = await build(t)
  const origin = await app.listen({ port: 0, host: '127.0.0.1' })
  const token = await mintSessionToken(app, shopId)

  const browser = await launch(t)

  const { page, pageErrors } = await watchedPage(browser, 720)

  await page.goto(`${origin}/#token=${encodeURIComponent(token)}`)
  const shopName = page.getByTestId('shop-name')
  await shopName.waitFor()
  t.equal(await shopName.textContent(), 'Cửa hàng Demo', 'the top bar names the installed shop')
  t.equal(new URL(page.url()).hash, '', 'the token is removed from the address bar')
  t.equal(await page.getByTestId('page-title').textContent(), 'Tổng quan', 'Vietnamese is the default')

  const nav = page.getByTestId('nav')
  t.ok(await nav.getByText('Hồ sơ thành viên').isVisible(), 'the nav lists Hồ sơ thành viên')

  await nav.getByRole('link', { name: 'Nhập dữ liệu đầu kỳ' }).click()
  await page.waitForURL(`${origin}/settings/import`)
  const title = page.getByTestId('page-title')
  await title.filter({ hasText: 'Nhập dữ liệu đầu kỳ' }).waitFor()
  t.equal(await title.textContent(), 'Nhập dữ liệu đầu kỳ', 'the page title follows the navigation')

  await page.getByRole('button', { name: 'English' }).click()
  await nav.getByText('Member profiles').waitFor()
  t.equal(await title.textContent(), 'Opening balance import', 'the current page is translated too')

  await checkPage(t, page, 'admin-english')

  // Inside the Haravan iframe a reload has no fragment: the token kept in sessionStorage must carry on.
  await page.reload()
  await shopName.waitFor()
  t.equal(await shopName.textContent(), 'Cửa hàng Demo', 'a reload keeps the session')
  t.equal(await title.textContent(), 'Opening balance import', 'a reload keeps the path and the language')
  t.same(pageErrors, [], 'no uncaught errors in the page')
})

t.test('the admin explains what to do when the session is missing or rejected', { skip }, async (t) => {
  const { app } = await build(t)
  const origin = await app.listen({ port: 0, host: '127.0.0.1' })

  const browser = await launch(t)

  const { page: withoutToken } = await watchedPage(browser)
  await withoutToken.goto(`${origin}/members`)
  await withoutToken.getByTestId('session-missing').waitFor()
  t.match(await withoutToken.getByTestId('page-title').textContent(), /trang quản trị Haravan/, 'without a token the page says to open the app from the Haravan admin')
  const link = await withoutToken.getByTestId('install-link').boundingBox()
  const text = await withoutToken.locator('.session-screen__card p').first().boundingBox()
  t.ok(link && text && link.y >= text.y + text.height, 'the install button sits below the explanation, not over it')
  const favicon = await withoutToken.evaluate(() => document.querySelector('link[rel="icon"]')?.getAttribute('href'))
  t.equal(favicon, '/favicon.svg', 'the page has an SVG favicon')
  await checkPage(t, withoutToken, 'session-missing')

  const withBadToken = await browser.newPage()
  await withBadToken.goto(`${origin}/#token=not-a-valid-token`)
  const expired = withBadToken.getByTestId('session-expired')
  await expired.waitFor()
  t.match(
    await expired.textContent(),
    /Phiên làm việc đã hết hạn\. Hãy mở lại ứng dụng từ trang quản trị Haravan\./,
    'a 401 from the API shows the expired-session notice'
  )
})
