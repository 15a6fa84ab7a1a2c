// The simulator also plays VietGuys (same form POST and JSON answer) and shows every SMS it received at /sms.
import { Router, json, type Ctx } from './http.ts'

export interface SimSms {
  at: string
  username: string
  brandname: string
  phone: string
  text: string
  bid: string
  msgid: string
}

export interface VietGuysSim {
  /** every SMS accepted, oldest first */
  readonly received: SimSms[]
  /** answer every request with this VietGuys error code (e.g. -7), or null to accept */
  setError (code: number | null): void
  /** accept only these username/password pairs (default: any non-empty) */
  setAccount (account: { username: string, password: string } | null): void
}

export const VIETGUYS_PATH = '/vietguys/api/index.php'

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

export function registerVietGuys (router: Router, now: () => Date): VietGuysSim {
  const received: SimSms[] = []
  let error: number | null = null
  let account: { username: string, password: string } | null = null
  let next = 1

  router.add('POST', new RegExp(`^${VIETGUYS_PATH.replace(/\./g, '\\.')}$`), (ctx: Ctx) => {
    const f = new URLSearchParams(ctx.body)
    const [u, pwd, from, phone, sms, bid] = ['u', 'pwd', 'from', 'phone', 'sms', 'bid'].map(k => f.get(k) ?? '')
    if (error !== null) return json(200, { error, msgid: '', carrier: '' })
    if (!u || !pwd || !from || !phone || !sms) return json(200, { error: -1, msgid: '', carrier: '' })
    if (account && (u !== account.username || pwd !== account.password)) return json(200, { error: -5, msgid: '', carrier: '' })
    if (!/^84\d{9}$/.test(phone!)) return json(200, { error: -10, msgid: '', carrier: '' })
    const msgid = `SIM${String(next++).padStart(8, '0')}`
    received.push({ at: now().toISOString(), username: u!, brandname: from!, phone: phone!, text: sms!, bid: bid!, msgid })
    return json(200, { error: 0, msgid, carrier: /^84(3|86|96|97|98)/.test(phone!) ? 'viettel' : 'other' })
  })

  // What a whitelist would check: the address the request came from.
  router.add('GET', /^\/ip$/, (ctx) => ({ status: 200, text: (ctx.req.socket.remoteAddress ?? '').replace(/^::ffff:/, '') }))

  router.add('GET', /^\/sms$/, () => {
    const rows = received.slice().reverse().map(s =>
      `<tr><td>${escapeHtml(s.at)}</td><td>${escapeHtml(s.brandname)}</td><td>${escapeHtml(s.phone)}</td><td style="white-space:pre-wrap">${escapeHtml(s.text)}</td><td>${escapeHtml(s.msgid)}</td></tr>`).join('\n')
    const html = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>SMS đã nhận · VietGuys giả lập</title></head>
<body style="font-family:system-ui,sans-serif;margin:2rem">
<h1 style="font-size:1.3rem">SMS mà VietGuys giả lập đã nhận (${received.length})</h1>
<p>Trình giả lập nhận tin thay VietGuys trong chế độ sandbox: không tin nào được gửi tới điện thoại thật. Tin mới nhất ở trên.</p>
<table border="1" cellpadding="6" style="border-collapse:collapse"><thead><tr><th>Thời điểm (UTC)</th><th>Brandname</th><th>Số điện thoại</th><th>Nội dung</th><th>msgid</th></tr></thead>
<tbody>${rows || '<tr><td colspan="5">Chưa có tin nào.</td></tr>'}</tbody></table></body></html>`
    return { status: 200, text: html, headers: { 'content-type': 'text/html; charset=utf-8' } }
  })

  return {
    received,
    setError: (code) => { error = code },
    setAccount: (a) => { account = a },
  }
}
