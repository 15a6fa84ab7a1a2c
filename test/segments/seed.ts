// Test data for list and segment tests, inserted directly (search_text built exactly as the Haravan mapper builds it).
import { customers, members } from '../../db/schema/index.ts'
import type { Db } from '../../db/client.ts'
import { customerSearchText } from '../../server/haravan/mappers.ts'
import { normalizeVietnamPhone } from '../../server/loyalty/phone.ts'

export interface SeedCustomer {
  id: number
  name: string
  phone?: string
  email?: string
  birthday?: string
  gender?: 'male' | 'female' | 'unknown'
  province?: string
  tags?: string[]
  haravanTotalSpent?: number
  haravanOrdersCount?: number
  lastOrderAt?: Date
  member?: { totalSpent?: number, ordersCount?: number, lastOrderAt?: Date, pointsAvailable?: number, rankPoints?: number, activatedAt?: Date, tierId?: string }
}

export async function seedCustomers (db: Db, shopId: string, rows: SeedCustomer[]) {
  if (rows.length === 0) return
  await db.insert(customers).values(rows.map((r) => {
    const e164 = r.phone ? normalizeVietnamPhone(r.phone) : null
    return {
      shopId,
      id: r.id,
      fullName: r.name,
      phone: r.phone ?? null,
      phoneE164: e164?.ok ? e164.e164 : null,
      email: r.email ?? null,
      searchText: customerSearchText(r.name, r.email, r.phone),
      birthday: r.birthday ?? null,
      gender: r.gender ?? 'unknown',
      province: r.province ?? null,
      tags: r.tags ?? [],
      haravanTotalSpent: r.haravanTotalSpent ?? 0,
      haravanOrdersCount: r.haravanOrdersCount ?? 0,
      lastOrderAt: r.lastOrderAt ?? null,
    }
  }))
  const memberRows = rows.filter((r) => r.member).map((r) => {
    const m = r.member!
    const e164 = r.phone ? normalizeVietnamPhone(r.phone) : null
    return {
      shopId,
      customerId: r.id,
      phoneE164: e164?.ok ? e164.e164 : null,
      email: r.email ?? null,
      // As activation writes it: the month of the customer's birthday.
      birthdayMonth: r.birthday ? Number(r.birthday.slice(5, 7)) : null,
      activationSource: 'manual' as const,
      activatedAt: m.activatedAt ?? new Date('2025-01-01T00:00:00Z'),
      tierId: m.tierId ?? null,
      totalSpent: m.totalSpent ?? 0,
      ordersCount: m.ordersCount ?? 0,
      lastOrderAt: m.lastOrderAt ?? null,
      pointsAvailable: m.pointsAvailable ?? 0,
      rankPoints: m.rankPoints ?? 0,
    }
  })
  if (memberRows.length > 0) await db.insert(members).values(memberRows)
}
