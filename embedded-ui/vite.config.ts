// Builds the embedded admin SPA into embedded-ui/dist, which the server serves as static files (with .br/.gz siblings).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { defineConfig, type Plugin } from 'vite'
import preact from '@preact/preset-vite'

const uiRoot = fileURLToPath(new URL('.', import.meta.url))
const outDir = fileURLToPath(new URL('./dist', import.meta.url))

/** Writes file.br and file.gz next to every text asset, so @fastify/static serves them precompressed (no CPU per request). */
function precompress (): Plugin {
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
  return {
    name: 'tichdiem-precompress',
    apply: 'build',
    closeBundle () {
      for (const file of walk(outDir)) {
        if (!/\.(js|css|html|svg|json)$/.test(file)) continue
        const raw = readFileSync(file)
        if (raw.length < 512) continue
        writeFileSync(`${file}.br`, brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }))
        writeFileSync(`${file}.gz`, gzipSync(raw, { level: 9 }))
      }
    },
  }
}

export default defineConfig({
  root: uiRoot,
  base: '/',
  plugins: [preact(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // The page-budget test reads which chunks each page pulls in from here.
    manifest: true,
  },
  server: {
    // `npm run dev:ui` talks to a locally running `npm start`.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
})
