// The project's root directory (where package.json is), found from the calling module, so the same code finds the
// migrations and the built admin UI both from its source under tsx and from the bundle `npm run build` writes to dist/.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export function appRoot (moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}`)
    dir = up
  }
  return dir
}
