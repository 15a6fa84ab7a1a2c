// Small server-rendered HTML pages for the install and launch flows (the SPA is not loaded there).
import type { FastifyReply } from 'fastify'

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

export interface PageOptions { title: string, paragraphs: string[], englishHint?: string, link?: { href: string, label: string } }

export function renderPage (opts: PageOptions): string {
  const paragraphs = opts.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')
  const hint = opts.englishHint ? `<p style="color:#666;font-size:.9em" lang="en">${escapeHtml(opts.englishHint)}</p>` : ''
  const link = opts.link ? `<p><a href="${escapeHtml(opts.link.href)}" target="_top">${escapeHtml(opts.link.label)}</a></p>` : ''
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(opts.title)} · Tích Điểm</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5">
<h1 style="font-size:1.4rem">${escapeHtml(opts.title)}</h1>
${paragraphs}
${hint}
${link}
</body></html>`
}

export function sendPage (reply: FastifyReply, status: number, opts: PageOptions) {
  return reply.code(status).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(renderPage(opts))
}
