// Campaign SMTP pools, one per shop account: few connections for Gmail (it throttles parallel sessions), more for a relay.
import { SmtpPools } from '../messaging/email.ts'

/** Gmail and Google Workspace take 3 parallel sessions well; a shop's own relay takes more. */
export function campaignConnections (host: string): number {
  return /(^|\.)(gmail|googlemail|google)\.com$/i.test(host.trim()) ? 3 : 10
}

/** The messaging module's per-shop pools, sized for campaigns. */
export const campaignPools = (): SmtpPools => new SmtpPools(undefined, campaignConnections)
