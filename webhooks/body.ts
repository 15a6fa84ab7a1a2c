// Webhook bodies: read with a size limit (hashing every byte), cut below a nesting limit, parsed and cleaned.
/*
 * What a real Haravan payload never reaches: 4 MiB (an order with hundreds of line items is tens of KB) and 32
 * levels of nesting (an order is 4 deep). A bigger body is still read to its end, so the signature and the
 * inbox hash cover exactly what was sent, but only its first bytes are kept: memory stays flat. Values nested
 * deeper than the limit are replaced by null in the bytes before JSON.parse, by a loop, not recursion: a 500,000
 * level body neither blows a stack here nor reaches the database (whose jsonb parser recurses; on the embedded
 * database that overflowed the WebAssembly stack and left it answering nothing). A valid order with one absurd
 * extra field is therefore still an order.
 */
import { createHash, createHmac } from 'node:crypto'
import type { Readable } from 'node:stream'
import { cleanText, parseCleanJsonBytes } from '../server/text.ts'

export const MAX_WEBHOOK_BYTES = 4 * 1024 * 1024
/** How much of a refused body the inbox keeps, to look at. */
const KEPT_CHARS = 2000

export interface ReceivedBody {
  /** the body, or its first MAX_WEBHOOK_BYTES when tooLarge */
  bytes: Buffer
  size: number
  tooLarge: boolean
  /** hex SHA-256 of every byte (the inbox dedupe key) */
  sha256: string
  /** base64 HMAC-SHA256 of every byte under the client secret */
  hmac: string
}

/** Reads a request body to its end; keeps at most `limit` bytes. */
export function readBody (stream: Readable, secret: string, limit = MAX_WEBHOOK_BYTES): Promise<ReceivedBody> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    const mac = createHmac('sha256', secret)
    const chunks: Buffer[] = []
    let size = 0
    stream.on('data', (chunk: Buffer) => {
      hash.update(chunk)
      mac.update(chunk)
      if (size < limit) chunks.push(size + chunk.length <= limit ? chunk : chunk.subarray(0, limit - size))
      size += chunk.length
    })
    stream.on('error', reject)
    stream.on('end', () => {
      resolve({ bytes: Buffer.concat(chunks), size, tooLarge: size > limit, sha256: hash.digest('hex'), hmac: mac.digest('base64') })
    })
  })
}

/** What readBody gives for a request without a body. */
export function emptyBody (secret: string): ReceivedBody {
  return { bytes: Buffer.alloc(0), size: 0, tooLarge: false, sha256: createHash('sha256').digest('hex'), hmac: createHmac('sha256', secret).digest('base64') }
}

export type ParsedBody =
  /** json: the cleaned value as JSON text (what the inbox stores); cut: some deep values were replaced by null */
  | { ok: true, value: unknown, json: string, cut: boolean }
  /** kept: what the inbox stores as a JSON string (cleaned); refused: never worth a retry */
  | { ok: false, error: string, kept: string, refused: boolean }

export function parseWebhookBody (body: ReceivedBody): ParsedBody {
  if (body.tooLarge) {
    return {
      ok: false,
      refused: true,
      error: `body too large: ${body.size} bytes (the limit is ${MAX_WEBHOOK_BYTES})`,
      kept: cleanText(body.bytes.subarray(0, KEPT_CHARS).toString('utf8')),
    }
  }
  let parsed: ReturnType<typeof parseCleanJsonBytes>
  try {
    parsed = parseCleanJsonBytes(body.bytes)
  } catch (err) {
    // V8's message quotes the text around the error (customers' data): only the position is kept.
    const at = /position (\d+)/.exec((err as Error).message)?.[1]
    return { ok: false, refused: false, error: `invalid JSON${at ? ` at position ${at}` : ''}`, kept: cleanText(body.bytes.toString('utf8')) }
  }
  return { ok: true, ...parsed }
}
