// A group's tier conditions hold the shop's tier ids: unknown ids are refused on save and flagged once a tier is deleted.
import type { Tier } from '../loyalty/rules.ts'
import type { Condition } from './compile.ts'

/** The tier ids a definition asks for (conditions on `tier`, eq/neq/in), in order, each once. */
export function tierIdsOf (definition: { conditions?: readonly Condition[] }): string[] {
  const ids = new Set<string>()
  for (const c of definition.conditions ?? []) {
    if (c.field !== 'tier') continue
    for (const v of Array.isArray(c.value) ? c.value : [c.value]) if (typeof v === 'string') ids.add(v.trim())
  }
  return [...ids]
}

const tierList = (tiers: Tier[]) => tiers.map(t => `${t.name} (${t.id})`).join(', ')

/** Vietnamese sentences, one per tier id of the definition that is not one of the shop's tiers (empty when all are). */
export function unknownTierProblems (definition: { conditions?: readonly Condition[] }, tiers: Tier[], when: 'saving' | 'saved'): string[] {
  const known = new Set(tiers.map(t => t.id))
  return tierIdsOf(definition).filter(id => !known.has(id)).map(id => {
    // A name typed where the id belongs ("Vàng" for "gold") is the likely mistake: say which id it is.
    const byName = tiers.find(t => t.name.trim().toLocaleLowerCase('vi') === id.toLocaleLowerCase('vi'))
    if (when === 'saving') {
      return byName
        ? `Hạng "${id}" cần được lưu theo mã hạng: hạng ${byName.name} có mã "${byName.id}".`
        : `Hạng "${id}" không có trong các hạng của cửa hàng (hiện có: ${tierList(tiers)}).`
    }
    return `Hạng "${id}" không còn trong các hạng của cửa hàng nên điều kiện hạng không khớp khách hàng nào; hãy chọn lại hạng.`
  })
}
