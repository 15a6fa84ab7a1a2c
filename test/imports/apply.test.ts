// Confirm → background apply (pg-boss) → exact balances, mail to a real SMTP peer; re-upload skips; undo restores.
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { and, eq } from 'drizzle-orm'
import { SMTPServer } from 'smtp-server'
import t from 'tap'
import { activityLog, ledgerEntries, shops } from '../../db/schema/index.ts'
import { loadImport } from '../../server/imports/apply.ts'
import { spendPoints } from '../../server/loyalty/ledger.ts'
import { authHeaders, build } from '../helper.ts'
import { member, messyFile, seedCustomers, upload, waitForStatus } from './helpers.ts'

async function smtpPeer (t: Tap.Test) {
  const messages: Array<{ to: string[], raw: string }> = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData (stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') })
        callback()
      })
    },
  })
  server.listen(0, '127.0.0.1')
  await once(server.server, 'listening')
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, messages }
}

t.test('confirm applies exact balances in the background, mails the merchant, and a second upload changes nothing', async (t) => {
  const smtp = await smtpPeer(t)
  const { app, shopId } = await build(t, { jobs: true, env: { SMTP_URL: smtp.url } })
  await app.db.update(shops).set({ email: 'chu.shop@example.com' }).where(eq(shops.shopId, shopId))
  await seedCustomers(app, shopId)

  const { id } = (await upload(app, shopId, messyFile())).json()
  const confirm = await app.inject({ method: 'POST', url: `/api/imports/${id}/confirm`, headers: await authHeaders(app) })
  t.equal(confirm.statusCode, 202)
  t.match(confirm.json(), { status: 'applying', progress: { done: 0, total: 5 } })
  const again = await app.inject({ method: 'POST', url: `/api/imports/${id}/confirm`, headers: await authHeaders(app) })
  t.equal(again.statusCode, 409, 'confirm only from previewed')

  const done = await waitForStatus(app, shopId, id, 'done')
  t.match(done, { progress: { done: 5, total: 5 }, result: { applied: 5, skipped: 7, points: 950, rankPoints: 9_500_000 } })
  t.same(done.rule, { vndPerPoint: 10_000, pointsPerStep: 1, rounding: 'floor', vndPerRankPoint: 1 }, 'the conversion used, for the page')

  // 10,000 ₫ = 1 point (floor), 1 ₫ = 1 ranking point; DTTichLuy is the spend baseline.
  const expected: Array<[number, number, number, number, string]> = [
    [101, 150, 1_500_000, 3_000_000, 'member'],
    [102, 150, 1_500_000, 1_500_000, 'member'],
    [103, 150, 1_500_000, 2_000_000, 'member'],
    [104, 0, 0, 0, 'member'],
    [108, 500, 5_000_000, 6_000_000, 'gold'],
  ]
  for (const [customerId, points, rank, baseline, tier] of expected) {
    const m = await member(app, shopId, customerId)
    t.match(m, { pointsAvailable: points, rankPoints: rank, spendBaseline: baseline, openingImportId: id, activationSource: 'import', tierId: tier }, `customer ${customerId}`)
  }
  t.notOk(await member(app, shopId, 106), 'invalid line: no member')
  t.equal((await member(app, shopId, 105))?.pointsAvailable, 0, 'already imported: untouched')
  const [entry] = await app.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.shopId, shopId), eq(ledgerEntries.idempotencyKey, `import:${id}:2`)))
  t.match(entry, { kind: 'opening', points: 150, rankPoints: 1_500_000, source: 'import', sourceId: id, rule: { amount: 1_500_000 } })
  t.match((await loadImport(app.db, shopId, id))?.rule, { multiplierPct: 100, earning: { vndPerPoint: 10_000, rounding: 'floor' }, ranking: { vndPerRankPoint: 1 } })
  const log = await app.db.select().from(activityLog).where(and(eq(activityLog.shopId, shopId), eq(activityLog.action, 'import.opening_balance.applied')))
  t.equal(log.length, 1)

  for (let i = 0; i < 50 && smtp.messages.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal(smtp.messages.length, 1, 'one mail')
  t.same(smtp.messages[0]?.to, ['chu.shop@example.com'])
  t.match(smtp.messages[0]?.raw, /Subject: =\?UTF-8\?/)

  // The same file again: every member it matched is now "already imported"; confirming it changes nothing.
  const second = (await upload(app, shopId, messyFile())).json()
  t.same(second.preview, { rows: 12, valid: 7, matched: 0, notFound: 1, alreadyImported: 6, invalid: 4, duplicates: 1, warnings: 0 })
  await app.inject({ method: 'POST', url: `/api/imports/${second.id}/confirm`, headers: await authHeaders(app) })
  await waitForStatus(app, shopId, second.id, 'done')
  t.match(await member(app, shopId, 101), { pointsAvailable: 150, rankPoints: 1_500_000, openingImportId: id })
})

t.test('undo restores the earlier balances; points spent in between leave a visible negative balance', async (t) => {
  const { app, shopId } = await build(t, { jobs: true })
  await seedCustomers(app, shopId)
  const { id } = (await upload(app, shopId, messyFile())).json()
  await app.inject({ method: 'POST', url: `/api/imports/${id}/confirm`, headers: await authHeaders(app) })
  await waitForStatus(app, shopId, id, 'done')
  await app.db.transaction(async (tx) => {
    await spendPoints(tx, shopId, { customerId: 101, points: 100, idempotencyKey: 'test-spend-1' }, app.clock())
  })

  const undo = await app.inject({ method: 'POST', url: `/api/imports/${id}/undo`, headers: await authHeaders(app) })
  t.equal(undo.statusCode, 202)
  t.match(undo.json(), { status: 'undoing', progress: { total: 5 } })
  await waitForStatus(app, shopId, id, 'undone')

  t.match(await member(app, shopId, 101), { pointsAvailable: -100, pointsUsed: 100, rankPoints: 0, spendBaseline: 0, openingImportId: null })
  t.match(await member(app, shopId, 108), { pointsAvailable: 0, rankPoints: 0, spendBaseline: 0, openingImportId: null, tierId: 'member' })
  t.match(await member(app, shopId, 105), { openingImportId: '00000000-0000-4000-8000-000000000001' }, 'another import untouched')
  const again = await app.inject({ method: 'POST', url: `/api/imports/${id}/undo`, headers: await authHeaders(app) })
  t.equal(again.statusCode, 409)
  const log = await app.db.select().from(activityLog).where(and(eq(activityLog.shopId, shopId), eq(activityLog.action, 'import.opening_balance.undone')))
  t.equal(log.length, 1)

  // Undone members can be imported again.
  const reupload = (await upload(app, shopId, messyFile())).json()
  t.equal(reupload.preview.matched, 5)
})
