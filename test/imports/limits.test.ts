// Upload limits through the real route: a file over the size limit is refused whole (never cut and previewed); one under it reads every row.
import t from 'tap'
import { sql } from 'drizzle-orm'
import { queryRows } from '../../db/client.ts'
import { TEMPLATES } from '../../server/imports/kinds.ts'
import { build } from '../helper.ts'
import { upload } from './helpers.ts'

const LIMIT = 64 * 1024

function file (rows: number): Buffer {
  const lines = [TEMPLATES.opening_balance.split('\r\n')[0] as string]
  for (let i = 0; i < rows; i++) lines.push(`Khách ${i},09${String(10_000_000 + i).padStart(8, '0')},,15000,15000`)
  return Buffer.from(lines.join('\r\n') + '\r\n')
}

t.test('a file over the limit is refused as a whole, saying the limit; nothing of it is previewed', async (t) => {
  const { app, shopId, database } = await build(t, { maxUploadBytes: LIMIT })
  const big = file(2000)
  t.ok(big.length > LIMIT)
  const res = await upload(app, shopId, big)
  t.equal(res.statusCode, 413)
  t.match(res.json().error?.message ?? res.body, /File quá lớn: tối đa 0\.06 MB\. Không dòng nào được nhập/)
  const imports = await queryRows<{ status: string, n: number }>(database.db, sql`
    select i.status, (select count(*)::int from import_rows r where r.shop_id = i.shop_id and r.import_id = i.id) as n from imports i`)
  t.ok(imports.every(i => i.status === 'failed'), 'an import it started is marked failed, never previewed')
})

t.test('a file under the limit previews every row', async (t) => {
  const { app, shopId } = await build(t, { maxUploadBytes: LIMIT })
  const ok = file(400)
  t.ok(ok.length < LIMIT)
  const res = await upload(app, shopId, ok)
  t.equal(res.statusCode, 200)
  t.equal(res.json().preview.rows, 400)
})
