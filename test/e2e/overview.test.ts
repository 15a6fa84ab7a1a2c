// Browser test of Tổng quan: the figures of a real history on screen, the charts drawn, no sideways scroll at 1024 px, a new shop's checklist.
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { chromium, type Browser, type Page } from 'playwright-core'
import { build, mintSessionToken } from '../helper.ts'
import { history } from '../overview/fixtures.ts'

// npm test must pass on a machine without a browser; CI installs Debian's chromium so these always run there.
const skip = existsSync('/usr/bin/chromium') ? false : 'Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)'
const screenshot = (name: string) => fileURLToPath(new URL(`./screenshots/${name}.png`, import.meta.url))

async function openAt1024 (t: Tap.Test, origin: string, token: string): Promise<{ page: Page, pageErrors: string[] }> {
  const browser: Browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  t.teardown(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 1024, height: 800 } })
  const pageErrors: string[] = []
  page.on('pageerror', (error) => pageErrors.push(error.message))
  await page.goto(`${origin}/#token=${encodeURIComponent(token)}`)
  return { page, pageErrors }
}

// Run in the page: how far the document is wider than the window (0 = no sideways scroll). A string, as the test has no DOM types.
const overflow = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')

t.test('the overview shows the period’s figures, draws its charts and fits 1024 px', { skip }, async (t) => {
  const { app, shopId } = await history(t)
  const origin = await app.listen({ port: 0, host: '127.0.0.1' })
  const { page, pageErrors } = await openAt1024(t, origin, await mintSessionToken(app, shopId))

  const memberRevenue = page.getByTestId('kpi-member-revenue-value')
  await memberRevenue.waitFor()
  t.equal((await memberRevenue.textContent())?.replace(/\s/g, ' '), '3.300.000 ₫', 'revenue from members, in đồng')
  t.equal((await page.getByTestId('kpi-non-member-revenue-value').textContent())?.replace(/\s/g, ' '), '1.250.000 ₫')
  t.equal((await page.getByTestId('kpi-opening-value').textContent())?.replace(/\s/g, ' '), '3.800.000 ₫', 'opening balances apart')
  t.equal(await page.getByTestId('kpi-members-value').textContent(), '3')
  t.equal(await page.getByTestId('overview-range').textContent(), '01/11/2026 – 30/11/2026, so với 02/10/2026 – 31/10/2026', 'dates as dd/mm/yyyy')
  t.match(await page.getByTestId('kpi-outstanding').textContent(), /Tương đương [\d.]+\s₫ theo ưu đãi đổi điểm/, 'the liability in đồng')
  t.match(await page.getByTestId('overview-tiers').textContent(), /Thành viên/)
  t.equal(await page.getByTestId('checklist-messagingChannels').getAttribute('data-done'), 'false', 'messaging is not configured yet')
  t.equal(await page.getByTestId('checklist-loyaltyRules').getAttribute('data-done'), 'true')

  for (const chart of ['chart-revenue', 'chart-points', 'chart-members']) {
    await page.getByTestId(chart).locator('canvas').waitFor()
    t.pass(`${chart} is drawn`)
  }
  t.equal(await overflow(page), 0, 'no horizontal scroll at 1024 px')

  await page.getByTestId('period-7').click()
  await page.getByTestId('overview-range').filter({ hasText: '24/11/2026 – 30/11/2026' }).waitFor()
  t.equal((await memberRevenue.textContent())?.replace(/\s/g, ' '), '0 ₫', 'the last 7 days: no member order')
  t.equal((await page.getByTestId('kpi-non-member-revenue-value').textContent())?.replace(/\s/g, ' '), '250.000 ₫', "only the guest's order")

  await page.getByTestId('period-30').click()
  await page.getByTestId('overview-range').filter({ hasText: '01/11/2026' }).waitFor()
  await page.getByTestId('chart-revenue').locator('canvas').waitFor()
  await mkdir(dirname(screenshot('overview')), { recursive: true })
  await page.screenshot({ path: screenshot('overview'), fullPage: true })

  await page.setViewportSize({ width: 1280, height: 800 })
  t.equal(await overflow(page), 0, 'no horizontal scroll at 1280 px')
  await page.setViewportSize({ width: 390, height: 800 })
  await page.getByTestId('period-custom').click()
  await page.getByLabel('Từ ngày').waitFor()
  t.equal(await overflow(page), 0, 'no horizontal scroll at 390 px, custom dates open')
  await page.screenshot({ path: screenshot('overview-390'), fullPage: true })
  t.same(pageErrors, [], 'no uncaught errors in the page')
})

t.test('a new shop sees the Bắt đầu checklist instead of zeros', { skip }, async (t) => {
  const { app, shopId } = await build(t)
  const origin = await app.listen({ port: 0, host: '127.0.0.1' })
  const { page, pageErrors } = await openAt1024(t, origin, await mintSessionToken(app, shopId))
  const checklist = page.getByTestId('overview-checklist')
  await checklist.waitFor()
  t.match(await checklist.textContent(), /Bắt đầu/)
  t.equal(await page.getByTestId('checklist-loyaltyRules').getAttribute('data-done'), 'false')
  t.equal(await page.getByTestId('checklist-messagingChannels').locator('a').getAttribute('href'), '/settings/messages', 'a link to Cấu hình → Tin nhắn')
  t.equal(await page.getByTestId('kpi-members').count(), 0, 'no page of zeros')
  t.equal(await overflow(page), 0)
  await page.screenshot({ path: screenshot('overview-new-shop'), fullPage: true })
  t.same(pageErrors, [])
})
