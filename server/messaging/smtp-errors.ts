// What an SMTP server (or the connection to it) said, in words a merchant understands; quota answers flagged.
export type SmtpProblem = 'auth' | 'app_password' | 'quota' | 'refused' | 'dns' | 'tls' | 'tls_required' | 'certificate' | 'timeout' | 'rejected' | 'other'

export interface SmtpFailure {
  problem: SmtpProblem
  /** Vietnamese, with the server's own answer kept at the end for support */
  message: string
  /** Gmail 550 5.4.5 / a 421 rate answer: stop sending from this mailbox until the window frees. */
  quota: boolean
  /** false when the server may have accepted the message (a timeout after DATA): its fate is unknown. */
  definite: boolean
}

interface NodemailerError { code?: string, responseCode?: number, response?: string, command?: string, message?: string, cause?: unknown }

const TLS_HINT = /wrong version number|ssl|tls|certificate|self[- ]signed|unable to verify|handshake|EPROTO/i

/** Maps a nodemailer error; `where` is host:port, said back to the merchant for connection problems. */
export function describeSmtpError (err: unknown, where: string): SmtpFailure {
  const e = (err ?? {}) as NodemailerError
  const answer = (e.response ?? e.message ?? '').replace(/\s+/g, ' ').trim().slice(0, 300)
  const said = answer ? ` (máy chủ trả lời: ${answer})` : ''
  const code = e.responseCode
  const text = `${e.code ?? ''} ${answer}`
  const fail = (problem: SmtpProblem, message: string, extra: Partial<SmtpFailure> = {}): SmtpFailure =>
    ({ problem, message, quota: false, definite: true, ...extra })

  if ((code === 550 && /5\.4\.5/.test(answer)) || code === 421 || /4\.7\.0 .*(rate|limit)|daily.*limit|quota/i.test(answer)) {
    return fail('quota', `Hộp thư đã vượt giới hạn gửi trong ngày của nhà cung cấp (ví dụ Gmail khoảng 500 người nhận/24 giờ). Việc gửi tạm dừng và tự tiếp tục khi hết 24 giờ${said}.`, { quota: true })
  }
  if (code === 534 || /5\.7\.9|application-specific password|5\.7\.14/i.test(answer)) {
    return fail('app_password', `Tài khoản chưa bật Xác minh 2 bước hoặc chưa dùng Mật khẩu ứng dụng. Với Gmail: bật Xác minh 2 bước tại myaccount.google.com → Bảo mật, rồi tạo Mật khẩu ứng dụng 16 ký tự và dán vào ô Mật khẩu${said}.`)
  }
  // Before the password check: nodemailer reports "encrypt first" (538, 530 5.7.0) as an authentication error.
  if (code === 538 || /must issue a starttls|starttls first|5\.7\.0 must/i.test(answer)) {
    return fail('tls_required', `Máy chủ ${where} yêu cầu kết nối mã hóa: chọn Bảo mật STARTTLS (cổng 587) hoặc TLS (cổng 465)${said}.`)
  }
  if (code === 535 || e.code === 'EAUTH') {
    return fail('auth', `Sai tên đăng nhập hoặc mật khẩu. Với Gmail, tên đăng nhập là địa chỉ Gmail và mật khẩu là Mật khẩu ứng dụng 16 ký tự (không phải mật khẩu Gmail)${said}.`)
  }
  if (/certificate|self[- ]signed|unable to verify|altnames/i.test(text)) {
    return fail('certificate', `Chứng chỉ bảo mật (TLS) của máy chủ ${where} không hợp lệ (hết hạn, tự ký hoặc không đúng tên máy chủ). Kiểm tra lại địa chỉ máy chủ SMTP${said}.`)
  }
  if (e.code === 'ETLS' || (e.code === 'ESOCKET' && TLS_HINT.test(text))) {
    return fail('tls', `Lỗi kết nối bảo mật (TLS) với ${where}. Kiểm tra kiểu bảo mật: cổng 587 dùng STARTTLS, cổng 465 dùng TLS${said}.`)
  }
  if (/ECONNREFUSED/.test(text) || (e.code === 'ECONNECTION' && !/timeout/i.test(text))) {
    return fail('refused', `Máy chủ ${where} từ chối kết nối. Kiểm tra địa chỉ máy chủ SMTP và cổng${said}.`)
  }
  if (e.code === 'EDNS' || /ENOTFOUND|EAI_AGAIN/.test(text)) {
    return fail('dns', `Không tìm thấy máy chủ SMTP ${where}. Kiểm tra lại địa chỉ máy chủ${said}.`)
  }
  if (e.code === 'ETIMEDOUT' || /timeout|timed out/i.test(text)) {
    // A timeout once the message was handed over leaves its fate unknown: it must not be sent again.
    return fail('timeout', `Máy chủ ${where} không trả lời kịp (hết thời gian chờ). Kiểm tra địa chỉ, cổng và tường lửa${said}.`, { definite: e.command !== 'DATA' && e.command !== 'DATA END' })
  }
  if (code !== undefined && code >= 500) {
    return fail('rejected', `Máy chủ SMTP từ chối thư${said}.`)
  }
  return fail('other', `Gửi thư không thành công${said || (e.code ? ` (${e.code})` : '')}.`)
}
