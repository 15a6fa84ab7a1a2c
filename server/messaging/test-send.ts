// "Gửi thử": one test email or SMS from the shop's saved account, logged like any message; failures in Vietnamese (422).
import { randomUUID } from 'node:crypto'
import type { Db } from '../../db/client.ts'
import { BadRequestError, UnprocessableError } from '../errors.ts'
import { normalizeVietnamPhone } from '../loyalty/phone.ts'
import { smtpTransport, type SmtpTimeouts } from './email.ts'
import { claimMessage, settleMessage } from './log.ts'
import type { Messaging } from './service.ts'
import { loadEmailAccount, loadSmsAccount, pauseEmail } from './settings.ts'
import { countSmsParts } from './sms-text.ts'
import { providerPhone } from './sms-provider.ts'
import { describeSmtpError } from './smtp-errors.ts'

export interface TestSendDeps { db: Db, key: Buffer, clock: () => Date, messaging: Messaging, shopName: string, smtpTimeouts?: SmtpTimeouts }

export async function sendTestEmail (deps: TestSendDeps, shopId: string, to: string): Promise<void> {
  const account = await loadEmailAccount(deps.db, deps.key, shopId)
  if (!account) throw new BadRequestError('Chưa cấu hình email: hãy lưu cấu hình SMTP trước khi gửi thử.')
  const messageId = await claimMessage(deps.db, { shopId, channel: 'email', kind: 'care', recipient: to, sourceType: 'test', sourceId: randomUUID(), subject: 'Thư thử' }, deps.clock())
  // Not the pool: a test must use exactly the settings just saved and report this one attempt.
  const transport = smtpTransport(account, { pool: false, timeouts: deps.smtpTimeouts })
  try {
    const info = await transport.sendMail({
      from: { name: account.fromName, address: account.fromAddress },
      to,
      subject: `Thư thử từ ${deps.shopName || 'Tích Điểm'}`,
      text: `Xin chào,\n\nĐây là thư thử gửi từ ứng dụng Tích Điểm qua máy chủ ${account.host}:${account.port}. Cấu hình email của cửa hàng đã hoạt động.\n\nTích Điểm`,
      html: `<p>Xin chào,</p><p>Đây là thư thử gửi từ ứng dụng Tích Điểm qua máy chủ ${account.host}:${account.port}. Cấu hình email của cửa hàng đã hoạt động.</p><p>Tích Điểm</p>`,
    })
    await settleMessage(deps.db, shopId, messageId!, { status: 'sent', providerId: String(info.messageId) }, deps.clock())
  } catch (err) {
    const failure = describeSmtpError(err, `${account.host}:${account.port}`)
    await settleMessage(deps.db, shopId, messageId!, { status: failure.definite ? 'failed' : 'unknown', reason: failure.message }, deps.clock())
    if (failure.quota) await pauseEmail(deps.db, shopId, await deps.messaging.quotaPauseEnd(shopId, account.dailyLimit, deps.clock()), failure.message)
    throw new UnprocessableError(failure.message)
  } finally {
    transport.close()
  }
}

export async function sendTestSms (deps: TestSendDeps, shopId: string, phone: string): Promise<void> {
  const account = await loadSmsAccount(deps.db, deps.key, shopId)
  if (!account) throw new BadRequestError('Chưa cấu hình SMS: hãy lưu brandname, tên đăng nhập và mật khẩu VietGuys trước khi gửi thử.')
  const normalized = normalizeVietnamPhone(phone)
  if (!normalized.ok) throw new BadRequestError(`Số điện thoại không hợp lệ: ${normalized.reason}`)
  if (normalized.kind !== 'mobile') throw new BadRequestError('Số điện thoại phải là số di động.')
  const text = `Tin nhan thu tu ${account.brandname} qua ung dung Tich Diem. Cau hinh SMS da hoat dong.`
  const messageId = await claimMessage(deps.db, {
    shopId, channel: 'sms', kind: 'care', recipient: normalized.e164, sourceType: 'test', sourceId: randomUUID(), parts: countSmsParts(text).parts,
  }, deps.clock())
  const result = await deps.messaging.smsProvider.send(account, { phone: providerPhone(normalized.e164), text, trackingId: messageId! })
  if (result.ok) {
    await settleMessage(deps.db, shopId, messageId!, { status: 'sent', providerId: result.providerId }, deps.clock())
    return
  }
  const reason = await deps.messaging.smsReason(result)
  await settleMessage(deps.db, shopId, messageId!, { status: result.definite ? 'failed' : 'unknown', reason }, deps.clock())
  throw new UnprocessableError(reason)
}
