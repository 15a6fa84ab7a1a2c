// Campaign SMTP pools, one per shop account: few connections for Gmail (it throttles parallel sessions), more for a relay.
import type { Transporter } from 'nodemailer'
import { smtpTransport, type EmailSender } from '../messaging/email.ts'
import type { EmailAccount } from '../messaging/settings.ts'

/** Gmail and Google Workspace take 3 parallel sessions well; a shop's own relay takes more. */
export function campaignConnections (host: string): number {
  return /(^|\.)(gmail|googlemail|google)\.com$/i.test(host.trim()) ? 3 : 10
}

export class CampaignPools {
  private pools = new Map<string, { version: string, transport: Transporter }>()

  sender (shopId: string, account: EmailAccount): EmailSender {
    let entry = this.pools.get(shopId)
    if (!entry || entry.version !== account.version) {
      entry?.transport.close()
      entry = { version: account.version, transport: smtpTransport(account, { pool: true, maxConnections: campaignConnections(account.host) }) }
      this.pools.set(shopId, entry)
    }
    const { transport } = entry
    const from = { name: account.fromName, address: account.fromAddress }
    return {
      async send (mail) {
        const info = await transport.sendMail({ from, ...mail })
        return { messageId: String(info.messageId) }
      },
    }
  }

  close (): void {
    for (const { transport } of this.pools.values()) transport.close()
    this.pools.clear()
  }
}
