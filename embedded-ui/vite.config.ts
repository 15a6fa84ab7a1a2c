// Builds the embedded admin SPA into embedded-ui/dist, which the server serves as static files.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import preact from '@preact/preset-vite'

const uiRoot = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  root: uiRoot,
  base: '/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    // `npm run dev:ui` talks to a locally running `npm start`.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
})
