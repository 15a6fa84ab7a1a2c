// A fresh clone runs alone: no test, script or server file reaches outside the repository (the sample payloads used to be read from the sibling folder).
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import t from 'tap'

const root = new URL('../../', import.meta.url).pathname
const OUTSIDE = /\.\.\/shared\b|\/work\/shared\b|new URL\(\s*['`](?:\.\.\/){3,}/

function * files (dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory() && entry.name !== 'node_modules') yield * files(path)
    else if (/\.(ts|js|mjs|json|sql)$/.test(entry.name)) yield path
  }
}

t.test('test/, scripts/, server/, webhooks/, db/ read nothing outside the repository', async (t) => {
  const offenders: string[] = []
  for (const dir of ['test', 'scripts', 'server', 'webhooks', 'db']) {
    for (const file of files(join(root, dir))) {
      if (file.endsWith('repository.test.ts')) continue
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (OUTSIDE.test(line)) offenders.push(`${relative(root, file)}:${i + 1}`)
      })
    }
  }
  t.same(offenders, [])
})

t.test('the Haravan payload samples are in the repository', async (t) => {
  for (const name of ['app-uninstalled.json', 'customer.json', 'order-paid.json']) {
    t.ok(JSON.parse(readFileSync(join(root, 'test/fixtures/haravan', name), 'utf8')), name)
  }
})

t.test('the app does not depend on scripts/: only the composition root loads the simulator, dynamically', async (t) => {
  const staticImports: string[] = []
  const dynamicImports: string[] = []
  for (const dir of ['server', 'webhooks', 'db']) {
    for (const file of files(join(root, dir))) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        const at = `${relative(root, file)}:${i + 1}`
        if (/\bfrom\s+['"](?:\.\.\/)+scripts\//.test(line)) staticImports.push(at)
        if (/\bimport\(\s*['"](?:\.\.\/)+scripts\//.test(line)) dynamicImports.push(relative(root, file))
      })
    }
  }
  t.same(staticImports, [], 'no static import of scripts/')
  t.same(dynamicImports, ['server/index.ts'], 'the simulator is imported by server/index.ts alone')
})
