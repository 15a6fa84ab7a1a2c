// Browser-test helpers: Debian's Chromium, a watched page signed in to the admin, screenshots, overflow and dialog checks.
/// <reference lib="dom" />
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { App } from '../../server/app.ts'
import { mintSessionToken } from '../helper.ts'

type Tap = Tap.Test

// npm test must pass on a machine without a browser; .ci/run installs Debian's chromium so CI always runs these.
export const skip = existsSync('/usr/bin/chromium') ? false : 'Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)'

const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url))

// Debian's Chromium with the flags the machines allow (never a downloaded browser); closed with the test.
export async function launch (t: Tap): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  t.teardown(() => browser.close())
  return browser
}

// A page whose uncaught errors are collected, so a test can assert there were none. 1024 px: the Haravan admin's iframe.
export async function watchedPage (browser: Browser, height = 800, width = 1024): Promise<{ page: Page, pageErrors: string[] }> {
  const page = await browser.newPage({ viewport: { width, height } })
  const pageErrors: string[] = []
  page.on('pageerror', (error) => pageErrors.push(error.message))
  return { page, pageErrors }
}

/** Listens on a free port, opens the admin (at path, '/' by default) with a fresh session token for the shop, waits for the shop name. */
export async function openAdmin (t: Tap, app: App, shopId: string, opts: { height?: number, path?: string } = {}) {
  const origin = await app.listen({ port: 0, host: '127.0.0.1' })
  const token = await mintSessionToken(app, shopId)
  const browser = await launch(t)
  const { page, pageErrors } = await watchedPage(browser, opts.height ?? 800)
  await page.goto(`${origin}${opts.path ?? '/'}#token=${encodeURIComponent(token)}`)
  await page.getByTestId('shop-name').waitFor()
  return { origin, browser, page, pageErrors }
}

/** Client-side navigation through the sidebar, then waits for the page title. */
export async function navigate (page: Page, link: string, title = link) {
  await page.getByTestId('nav').getByRole('link', { name: link, exact: true }).click()
  await page.getByTestId('page-title').filter({ hasText: title }).waitFor()
}

/** A full-page screenshot in test/e2e/screenshots (gitignored), and the page's width fits its viewport. */
export async function checkPage (t: Tap, page: Page, name: string) {
  await mkdir(screenshots, { recursive: true })
  await page.screenshot({ path: `${screenshots}${name}.png`, fullPage: true })
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth])
  t.ok(scroll! <= client!, `${name}: no page-level horizontal scroll at ${client} px (content ${scroll} px)`)
}

/** Answers the admin's confirm dialog and returns what it said. */
export async function confirm (page: Page, ok = true): Promise<string> {
  const dialog = page.getByTestId('confirm-dialog')
  await dialog.getByRole('heading').waitFor()
  const text = await dialog.innerText()
  await dialog.getByTestId(ok ? 'confirm-ok' : 'confirm-cancel').click()
  await dialog.getByRole('heading').waitFor({ state: 'detached' })
  return text
}

/** checkPage at each of the widths the admin must work at (the Haravan iframe, a laptop, a phone), back to 1024 px after. */
export async function checkWidths (t: Tap, page: Page, name: string, widths = [1024, 1280, 390]) {
  const height = page.viewportSize()?.height ?? 800
  for (const width of widths) {
    await page.setViewportSize({ width, height })
    await checkPage(t, page, `${name}-${width}`)
  }
  await page.setViewportSize({ width: 1024, height })
}

/** Closes every toast on screen, so the next toastText waits for a new one. */
export async function dismissToasts (page: Page) {
  const toasts = page.getByTestId('toast')
  // A toast may close itself (5 s) between the count and the click; that is what we want anyway.
  while (await toasts.count() > 0) await toasts.first().getByRole('button').click({ timeout: 1000 }).catch(() => {})
}

/**
 * The text of the newest toast; with `containing`, of the newest toast that says it (waiting for it to appear), so an
 * earlier toast still on screen is not taken for the answer to the action just done.
 */
export async function toastText (page: Page, containing?: string): Promise<string> {
  const toasts = page.getByTestId('toast')
  const toast = (containing === undefined ? toasts : toasts.filter({ hasText: containing })).last()
  await toast.waitFor()
  return toast.innerText()
}
