// A campaign's messages for one recipient: subject and HTML (values escaped), the SMS text as it will go out, its parts.
import { countSmsParts, isGsm7, removeDiacritics } from '../messaging/sms-text.ts'
import { frameAdvertisingSms, smsRefusal } from '../messaging/rules.ts'
import { messageKind, type CampaignType } from './definition.ts'
import { renderTemplate, type TemplateValues } from './template.ts'

export interface CampaignContent {
  type: CampaignType
  channels: string[]
  email: { subject: string, html: string } | null
  sms: { text: string } | null
}

export interface Rendered {
  email?: { subject: string, html: string }
  sms?: { text: string, parts: number, unicode: boolean }
}

/**
 * `unsubscribeUrl(channel)`: the recipient's one-click link, for the SMS refusal line of advertising messages as the
 * preview shows it; null when messaging will frame the SMS itself (sending).
 */
export function renderCampaign (c: CampaignContent, values: TemplateValues, unsubscribeUrl: ((channel: 'email' | 'sms') => string) | null): Rendered {
  const out: Rendered = {}
  if (c.channels.includes('email') && c.email) {
    out.email = {
      // A subject is a header, not HTML: values go in as they are (nodemailer encodes the header).
      subject: renderTemplate(c.email.subject, values).replace(/[\r\n]+/g, ' ').trim(),
      html: renderTemplate(c.email.html, values, { html: true }),
    }
  }
  if (c.channels.includes('sms') && c.sms) {
    // A template written without diacritics ("bỏ dấu") keeps the SMS in GSM-7: names and values lose theirs too.
    const plain = isGsm7(c.sms.text)
    const smsValues = plain ? Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === undefined ? v : removeDiacritics(v).replace(/₫/g, 'd')])) : values
    const body = renderTemplate(c.sms.text, smsValues).trim()
    const text = unsubscribeUrl && messageKind(c.type) === 'advertising' ? frameAdvertisingSms(body, smsRefusal(unsubscribeUrl('sms'))) : body
    const parts = countSmsParts(text)
    out.sms = { text, parts: parts.parts, unicode: parts.unicode }
  }
  return out
}
