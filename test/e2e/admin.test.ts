// Browser test of the embedded admin: the real app and session token, driven in Chromium by playwright-core.
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { chromium, type Browser, type Page } from 'playwright-core'
import { build, mintSessionToken } from '../helper.ts'
import { messyFile, seedCustomers } from '../imports/helpers.ts'

// npm test must pass on a machine without a browser; .ci/run installs Debian's chromium so CI always runs these.
const skip = existsSync('/usr/bin/chromium') ? false : 'Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)'

const screenshotPath = fileURLToPath(new URL('./screenshots/admin.png', import.meta.url))

// Debian's Chromium with the flags the machines allow (never a downloaded browser); closed with the test.
async function launch (t: Tap.Test): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  t.teardown(() => browser.close())
  return browser
}

// A page whose uncaught errors are collected, so a test can assert there were none.
async function watchedPage (browser: Browser, height: number): Promise<{ page: Page, pageErrors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1000, height } })
  const pageErrors: string[] = []
  page.on('pageerror', (error) => pageErrors.push(error.message))
  return { page, pageErrors }
}

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

  await mkdir(dirname(screenshotPath), { recursive: true })
  await page.screenshot({ path: screenshotPath, fullPage: true })

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

  const withoutToken = await browser.newPage()
  await withoutToken.goto(`${origin}/members`)
  await withoutToken.getByTestId('session-missing').waitFor()
  t.match(await withoutToken.getByTestId('page-title').textContent(), /trang quản trị Haravan/, 'without a token the page says to open the app from the Haravan admin')

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

t.test('an opening-balance file goes from upload through preview and confirm to its result, with the conversion used', { skip }, async (t) => {
  const { app, shopId } = await build(t, { jobs: true })
  await seedCustomers(app, shopId)
  const origin = await app.listen({ port: 0, host: '127.0.0.1' })
  const token = await mintSessionToken(app, shopId)
  const browser = await launch(t)
  const { page, pageErrors } = await watchedPage(browser, 900)
  const dialogs: string[] = []
  page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.accept().catch(() => {}) })

  await page.goto(`${origin}/#token=${encodeURIComponent(token)}`)
  await page.getByTestId('shop-name').waitFor()
  await page.getByTestId('nav').getByRole('link', { name: 'Nhập dữ liệu đầu kỳ' }).click()
  await page.getByTestId('import-file').setInputFiles({ name: 'du-lieu-dau-ky.csv', mimeType: 'text/csv', buffer: messyFile() })

  const current = page.getByTestId('import-current')
  await current.and(page.locator('[data-status="previewed"]')).waitFor()
  const counts = await page.getByTestId('import-counts').innerText()
  t.match(counts, /Sẽ cập nhật\s+5/, 'the preview counts the matched lines')
  t.match(await page.getByTestId('import-problems').innerText(), /Trùng số điện thoại với dòng 2/, 'and lists the problem lines with their reasons')

  await page.getByTestId('import-confirm').click()
  await current.and(page.locator('[data-status="done"]')).waitFor({ timeout: 30_000 })
  t.match(dialogs[0], /Cập nhật điểm cho 5 khách hàng\?/, 'confirming asks first, naming how many customers change')
  t.equal(await page.getByTestId('import-result').innerText(), 'Đã cập nhật 5 khách hàng, tổng 950 điểm thưởng.')
  t.match(await page.getByTestId('import-rule').innerText(), /10\.000\s₫ = 1 điểm thưởng \(làm tròn xuống\), 1\s₫ = 1 điểm xếp hạng/, 'the conversion the import used')
  await page.screenshot({ path: fileURLToPath(new URL('./screenshots/import.png', import.meta.url)), fullPage: true })
  t.same(pageErrors, [], 'no uncaught errors in the page')
})
