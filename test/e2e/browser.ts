// Chromium for browser tests: Debian's binary with the flags the machines allow, and a page that collects its errors.
import { existsSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'

// npm test must pass on a machine without a browser; CI installs Debian's chromium so these always run there.
export const skipWithoutChromium = existsSync('/usr/bin/chromium') ? false : 'Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)'

export async function launch (t: { teardown: (fn: () => unknown) => void }): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  t.teardown(() => browser.close())
  return browser
}

export async function watchedPage (browser: Browser, height: number): Promise<{ page: Page, pageErrors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height } })
  const pageErrors: string[] = []
  page.on('pageerror', (error) => pageErrors.push(error.message))
  return { page, pageErrors }
}
