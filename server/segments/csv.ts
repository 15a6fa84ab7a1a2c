// Streaming CSV export of a list: UTF-8 with BOM, Vietnamese headers, integer đồng, dd/mm/yyyy in the shop's zone.
import { once } from 'node:events'
import type { FastifyReply } from 'fastify'
import { format } from 'fast-csv'
import type { ListItem } from './lists.ts'

const HEADERS = ['Mã khách hàng', 'Họ tên', 'Số điện thoại', 'Email', 'Hạng', 'Điểm khả dụng', 'Điểm chờ duyệt', 'Điểm đã sử dụng',
  'Điểm xếp hạng', 'Tổng chi tiêu', 'Số đơn hàng', 'Chi tiêu trung bình', 'Lần mua hàng gần nhất', 'Ngày đăng ký thành viên']

/** Spreadsheet formula injection: a text cell that starts like a formula is made inert with a leading quote. */
export function neutralizeCell (value: string | null | undefined): string {
  if (value == null) return ''
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}

// One formatter per time zone: an export formats two dates per row, and building a formatter costs tens of µs.
const dayFormats = new Map<string, Intl.DateTimeFormat>()

export function csvDate (iso: string | null, timeZone: string): string {
  if (!iso) return ''
  let format = dayFormats.get(timeZone)
  if (!format) dayFormats.set(timeZone, format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }))
  const parts: Record<string, string> = {}
  for (const p of format.formatToParts(new Date(iso))) {
    parts[p.type] = p.value
  }
  return `${parts.day}/${parts.month}/${parts.year}`
}

function csvRow (item: ListItem, timeZone: string, withMemberColumn: boolean): Array<string | number> {
  const row: Array<string | number> = [
    item.customerId, neutralizeCell(item.name), neutralizeCell(item.phone), neutralizeCell(item.email), neutralizeCell(item.tier?.name ?? ''),
    item.pointsAvailable, item.pointsPending, item.pointsUsed, item.rankPoints,
    item.totalSpent, item.ordersCount, item.avgOrderValue, csvDate(item.lastOrderAt, timeZone), csvDate(item.memberSince, timeZone),
  ]
  if (withMemberColumn) row.push(item.isMember ? 'Đã đăng ký' : 'Chưa đăng ký')
  return row
}

/** Sends the CSV while batches are still being read; backpressure pauses the reading. */
export function sendCsv (reply: FastifyReply, filename: string, batches: AsyncIterable<ListItem[]>, opts: { timeZone: string, withMemberColumn: boolean }) {
  const stream = format<Array<string | number>, Array<string | number>>({ writeBOM: true, rowDelimiter: '\r\n' })
  const pump = async () => {
    stream.write(opts.withMemberColumn ? [...HEADERS, 'Trạng thái thành viên'] : HEADERS)
    for await (const batch of batches) {
      for (const item of batch) {
        if (!stream.write(csvRow(item, opts.timeZone, opts.withMemberColumn))) await once(stream, 'drain')
      }
    }
    stream.end()
  }
  pump().catch((err: unknown) => {
    reply.log.error({ err }, 'csv export failed')
    stream.destroy(err as Error)
  })
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(stream)
}
