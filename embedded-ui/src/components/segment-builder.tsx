// Thêm điều kiện lọc: field, operator and a value widget per field type, match all/any; mirrors server/segments/compile.ts.
import { t, type MessageKey } from '../i18n.ts'

export type Field = 'lastOrderDaysAgo' | 'ordersCount' | 'totalSpent' | 'avgOrderValue' | 'birthdayMonth' | 'tier' | 'pointsAvailable' | 'rankPoints' | 'gender' | 'province' | 'tags' | 'memberStatus' | 'text'
export interface Condition { field: Field, op: string, value: unknown }
export interface Definition { match: 'all' | 'any', conditions: Condition[] }

const CMP = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte']
type Kind = 'int' | 'month' | 'string' | 'gender' | 'memberStatus'
const FIELDS: Record<Field, { kind: Kind, ops: string[] }> = {
  lastOrderDaysAgo: { kind: 'int', ops: CMP },
  ordersCount: { kind: 'int', ops: CMP },
  totalSpent: { kind: 'int', ops: CMP },
  avgOrderValue: { kind: 'int', ops: CMP },
  birthdayMonth: { kind: 'month', ops: [...CMP, 'in'] },
  tier: { kind: 'string', ops: ['eq', 'neq', 'in'] },
  pointsAvailable: { kind: 'int', ops: CMP },
  rankPoints: { kind: 'int', ops: CMP },
  gender: { kind: 'gender', ops: ['eq', 'neq'] },
  province: { kind: 'string', ops: ['eq', 'neq', 'contains', 'in'] },
  tags: { kind: 'string', ops: ['contains', 'neq', 'in'] },
  memberStatus: { kind: 'memberStatus', ops: ['eq'] },
  text: { kind: 'string', ops: ['contains'] },
}
const FIELD_KEYS = Object.keys(FIELDS) as Field[]

export function defaultCondition (field: Field = 'totalSpent'): Condition {
  const { kind, ops } = FIELDS[field]
  const value = kind === 'int' ? 0 : kind === 'month' ? 1 : kind === 'gender' ? 'female' : kind === 'memberStatus' ? 'member' : ''
  return { field, op: ops.includes('gte') ? 'gte' : ops[0]!, value }
}

/** A condition the server would reject (empty text) is left out of previews and saves. */
export function isComplete (c: Condition): boolean {
  if (Array.isArray(c.value)) return c.value.length > 0
  return c.value !== '' && c.value !== null && !(typeof c.value === 'number' && Number.isNaN(c.value))
}

function ValueInput ({ condition, onChange }: { condition: Condition, onChange: (value: unknown) => void }) {
  const { kind } = FIELDS[condition.field]
  const label = t('segments.valuePlaceholder')
  if (condition.op === 'in') {
    const text = Array.isArray(condition.value) ? condition.value.join(', ') : ''
    return (
      <input
        aria-label={label} placeholder={t('segments.inHint')} value={text}
        onChange={(e) => {
          const parts = e.currentTarget.value.split(',').map((s) => s.trim()).filter(Boolean)
          onChange(kind === 'month' ? parts.map(Number).filter((n) => n >= 1 && n <= 12) : parts)
        }}
      />
    )
  }
  if (kind === 'month') {
    return (
      <select aria-label={label} value={String(condition.value)} onChange={(e) => onChange(Number(e.currentTarget.value))}>
        {Array.from({ length: 12 }, (_, i) => <option key={i} value={i + 1}>{i + 1}</option>)}
      </select>
    )
  }
  if (kind === 'gender' || kind === 'memberStatus') {
    const values = kind === 'gender' ? ['male', 'female', 'unknown'] : ['member', 'not_member']
    return (
      <select aria-label={label} value={String(condition.value)} onChange={(e) => onChange(e.currentTarget.value)}>
        {values.map((v) => <option key={v} value={v}>{t(`value.${v}` as MessageKey)}</option>)}
      </select>
    )
  }
  if (kind === 'int') {
    return <input type='number' step='1' aria-label={label} value={String(condition.value)} onInput={(e) => onChange(Math.trunc(Number(e.currentTarget.value)))} />
  }
  return <input aria-label={label} value={String(condition.value ?? '')} onInput={(e) => onChange(e.currentTarget.value)} />
}

export function SegmentBuilder ({ value, onChange }: { value: Definition, onChange: (d: Definition) => void }) {
  const update = (i: number, c: Condition) => onChange({ ...value, conditions: value.conditions.map((x, j) => j === i ? c : x) })
  return (
    <div>
      <div class='seg-row'>
        <select aria-label={t('segments.builder')} value={value.match} onChange={(e) => onChange({ ...value, match: e.currentTarget.value as 'all' | 'any' })}>
          <option value='all'>{t('segments.matchAll')}</option>
          <option value='any'>{t('segments.matchAny')}</option>
        </select>
      </div>
      {value.conditions.map((c, i) => (
        <div class='seg-row' key={i} data-testid='segment-condition'>
          <select aria-label={t('segments.builder')} value={c.field} onChange={(e) => update(i, defaultCondition(e.currentTarget.value as Field))}>
            {FIELD_KEYS.map((f) => <option key={f} value={f}>{t(`field.${f}` as MessageKey)}</option>)}
          </select>
          <select
            aria-label={t('activity.action')} value={c.op}
            onChange={(e) => {
              const op = e.currentTarget.value
              const wasIn = c.op === 'in'
              update(i, { ...c, op, value: op === 'in' ? [] : wasIn ? defaultCondition(c.field).value : c.value })
            }}
          >
            {FIELDS[c.field].ops.map((op) => <option key={op} value={op}>{t(`op.${op}` as MessageKey)}</option>)}
          </select>
          <ValueInput condition={c} onChange={(v) => update(i, { ...c, value: v })} />
          <button type='button' class='button button--ghost' aria-label={t('segments.remove')} onClick={() => onChange({ ...value, conditions: value.conditions.filter((_, j) => j !== i) })}>✕</button>
        </div>
      ))}
      <button type='button' class='button button--ghost' onClick={() => onChange({ ...value, conditions: [...value.conditions, defaultCondition()] })}>+ {t('segments.addCondition')}</button>
    </div>
  )
}
