// SMS providers behind one small interface (send, parse the answer, explain a code in Vietnamese); VietGuys first.
import { request } from 'undici'
import type { SmsAccount } from './settings.ts'

export interface SmsRequest {
  /** international digits without '+', e.g. 84912345678 */
  phone: string
  text: string
  /** our tracking id, echoed in delivery reports */
  trackingId: string
}

export type SmsResult =
  | { ok: true, providerId: string, carrier: string | null }
  | { ok: false, code: string, reason: string, definite: boolean }

export interface SmsProvider {
  readonly name: string
  send (account: SmsAccount, message: SmsRequest): Promise<SmsResult>
  parseAnswer (status: number, body: string): SmsResult
  reasonVi (code: string): string
}

// VietGuys' error codes as their API document lists them; any other code is shown with its number.
const VIETGUYS_REASONS: Record<string, string> = {
  '-1': 'Thiếu thông tin bắt buộc trong yêu cầu gửi tin',
  '-2': 'Máy chủ VietGuys đang bận, hãy thử lại sau',
  '-3': 'Không tìm thấy tài khoản VietGuys: kiểm tra tên đăng nhập',
  '-4': 'Tài khoản VietGuys đang bị khóa',
  '-5': 'Sai tên đăng nhập hoặc mật khẩu VietGuys',
  '-6': 'Tài khoản chưa được bật gửi tin qua API',
  '-7': 'Địa chỉ IP của máy chủ gửi tin chưa có trong danh sách IP được phép (whitelist) của tài khoản VietGuys',
  '-8': 'Brandname chưa được đăng ký cho tài khoản này',
  '-9': 'Tài khoản không đủ số dư để gửi tin',
  '-10': 'Số điện thoại người nhận không hợp lệ',
  '-11': 'Số điện thoại nằm trong danh sách từ chối nhận tin',
  '-12': 'Tài khoản đã hết hạn mức gửi tin',
  '-13': 'Brandname chưa được khai báo với nhà mạng của số này',
  '-14': 'Nội dung tin nhắn quá dài',
  '-16': 'Tin nhắn trùng (cùng số, cùng nội dung) trong thời gian ngắn',
}

/**
 * What a refusal says about the messages after it: 'account' (credentials, lock, IP whitelist, brandname, balance,
 * quota: every later message would be refused too), 'busy' (the provider or the network, for now), or 'message' (this
 * one only: a bad number, a refusal list, a duplicate). Timeouts are not refusals: their fate is unknown.
 */
export function smsFailureScope (code: string): 'account' | 'busy' | 'message' {
  if (['-3', '-4', '-5', '-6', '-7', '-8', '-9', '-12'].includes(code)) return 'account'
  if (code === '-2' || code === 'connection' || /^http_5/.test(code)) return 'busy'
  return 'message'
}

export interface VietGuysOptions { url: string, timeoutMs?: number }

export function vietGuysProvider (opts: VietGuysOptions): SmsProvider {
  const timeoutMs = opts.timeoutMs ?? 20_000
  const reasonVi = (code: string) => {
    if (code === 'timeout') return 'VietGuys không trả lời kịp: tin nhắn có thể đã được gửi hoặc chưa, không gửi lại để tránh trùng'
    if (code === 'connection') return 'Không kết nối được tới VietGuys'
    const known = VIETGUYS_REASONS[code]
    return known ? `${known} (mã ${code})` : `VietGuys báo lỗi mã ${code}`
  }
  const parseAnswer = (status: number, body: string): SmsResult => {
    let answer: { error?: unknown, msgid?: unknown, carrier?: unknown } | null = null
    try { answer = JSON.parse(body) } catch {}
    if (status !== 200 || !answer || answer.error === undefined) {
      return { ok: false, code: `http_${status}`, reason: `VietGuys trả lời không đúng định dạng (HTTP ${status})`, definite: status >= 400 && status < 500 }
    }
    const code = String(answer.error)
    if (code === '0') return { ok: true, providerId: String(answer.msgid ?? ''), carrier: answer.carrier == null ? null : String(answer.carrier) }
    return { ok: false, code, reason: reasonVi(code), definite: true }
  }
  return {
    name: 'vietguys',
    parseAnswer,
    reasonVi,
    async send (account, message) {
      const form = new URLSearchParams({
        u: account.username, pwd: account.password, from: account.brandname, phone: message.phone, sms: message.text, bid: message.trackingId, json: '1',
      })
      try {
        const res = await request(opts.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: form.toString(),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        })
        return parseAnswer(res.statusCode, await res.body.text())
      } catch (err) {
        const code = (err as { code?: string }).code ?? ''
        // Once the request left, a missing answer does not mean the SMS was not sent: its fate is unknown.
        if (/TIMEOUT/.test(code)) return { ok: false, code: 'timeout', reason: reasonVi('timeout'), definite: false }
        return { ok: false, code: 'connection', reason: `${reasonVi('connection')} (${code || (err as Error).message})`, definite: /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(code) }
      }
    },
  }
}

/** 84… as VietGuys wants it, from our E.164 +84…. */
export const providerPhone = (e164: string) => e164.replace(/^\+/, '')
