// Thêm điều kiện lọc: field, operator and a value widget per field type (tiers picked by name), match all/any; the fields and
// operators are the server's (api-types/segments.ts), which of them each field offers mirrors server/segments/compile.ts.
import { t, type MessageKey } from '../i18n.ts'
import { Button } from './button.tsx'
import { Checkbox, NumberField, Select, TextField } from './form.tsx'
import { Badge } from './feedback.tsx'
import type { Condition, Definition, Field, Operator } from '../../../api-types/segments.ts'

export interface TierOption { id: string, name: string }

export type { Condition, Definition, Field } from '../../../api-types/segments.ts'

const CMP: Operator[] = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte']
type Kind = 'int' | 'month' | 'string' | 'gender' | 'memberStatus' | 'tier'
const FIELDS: Record<Field, { kind: Kind, ops: Operator[] }> = {
  lastOrderDaysAgo: { kind: 'int', ops: CMP },
  ordersCount: { kind: 'int', ops: CMP },
  totalSpent: { kind: 'int', ops: CMP },
  avgOrderValue: { kind: 'int', ops: CMP },
  birthdayMonth: { kind: 'month', ops: [...CMP, 'in'] },
  tier: { kind: 'tier', ops: ['eq', 'neq', 'in'] },
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

/** Tier ids in a condition that no longer name one of the shop's tiers (the tier was deleted). */
export function missingTiers (c: Condition, tiers: TierOption[]): string[] {
  if (c.field !== 'tier') return []
  const ids = Array.isArray(c.value) ? c.value.map(String) : [String(c.value ?? '')]
  return ids.filter((id) => id !== '' && !tiers.some((x) => x.id === id))
}

function ValueInput ({ condition, onChange, tiers }: { condition: Condition, onChange: (value: unknown) => void, tiers: TierOption[] }) {
  const { kind } = FIELDS[condition.field]
  const label = t('segments.valuePlaceholder')
  if (kind === 'tier') {
    if (condition.op === 'in') {
      const chosen = Array.isArray(condition.value) ? condition.value.map(String) : []
      return (
        <div class='inline' role='group' aria-label={label}>
          {tiers.map((x) => (
            <Checkbox
              key={x.id} label={x.name} checked={chosen.includes(x.id)}
              onValue={(on) => onChange(on ? [...chosen, x.id] : chosen.filter((id) => id !== x.id))}
            />
          ))}
        </div>
      )
    }
    return (
      <Select
        label={label} hideLabel value={String(condition.value ?? '')} placeholder={t('common.chooseTier')} data-testid='tier-select'
        options={tiers.map((x) => ({ value: x.id, label: x.name }))} onValue={onChange}
      />
    )
  }
  if (condition.op === 'in') {
    const text = Array.isArray(condition.value) ? condition.value.join(', ') : ''
    return (
      <TextField
        label={label} hideLabel placeholder={t('segments.inHint')} value={text}
        onValue={(v) => {
          const parts = v.split(',').map((s) => s.trim()).filter(Boolean)
          onChange(kind === 'month' ? parts.map(Number).filter((n) => n >= 1 && n <= 12) : parts)
        }}
      />
    )
  }
  if (kind === 'month') {
    return (
      <Select
        label={label} hideLabel value={String(condition.value)} onValue={(v) => onChange(Number(v))}
        options={Array.from({ length: 12 }, (_, i) => ({ value: String(i + 1), label: t('segments.month', { month: i + 1 }) }))}
      />
    )
  }
  if (kind === 'gender' || kind === 'memberStatus') {
    const values = kind === 'gender' ? ['male', 'female', 'unknown'] : ['member', 'not_member']
    return <Select label={label} hideLabel value={String(condition.value)} onValue={onChange} options={values.map((v) => ({ value: v, label: t(`value.${v}` as MessageKey) }))} />
  }
  if (kind === 'int') {
    return <NumberField label={label} hideLabel value={String(condition.value)} onValue={(v) => onChange(Math.trunc(Number(v)))} data-testid='condition-number' />
  }
  return <TextField label={label} hideLabel value={String(condition.value ?? '')} onValue={onChange} />
}

export function SegmentBuilder ({ value, onChange, tiers }: { value: Definition, onChange: (d: Definition) => void, tiers: TierOption[] }) {
  const update = (i: number, c: Condition) => onChange({ ...value, conditions: value.conditions.map((x, j) => j === i ? c : x) })
  return (
    <div>
      <div class='form-row' style={{ marginBottom: '12px' }}>
        <Select
          label={t('segments.matchLabel')} inline value={value.match} onValue={(v) => onChange({ ...value, match: v as 'all' | 'any' })}
          options={[{ value: 'all', label: t('segments.matchAll') }, { value: 'any', label: t('segments.matchAny') }]}
        />
      </div>
      {value.conditions.map((c, i) => {
        const missing = missingTiers(c, tiers)
        return (
          <div key={i} data-testid='segment-condition'>
            <div class='condition'>
              <Select
                label={t('segments.fieldLabel')} hideLabel value={c.field} onValue={(v) => update(i, defaultCondition(v as Field))} data-testid='condition-field'
                options={FIELD_KEYS.map((f) => ({ value: f, label: t(`field.${f}` as MessageKey) }))}
              />
              <Select
                label={t('segments.opLabel')} hideLabel value={c.op}
                onValue={(v) => {
                  const op = v as Operator
                  const wasIn = c.op === 'in'
                  update(i, { ...c, op, value: op === 'in' ? [] : wasIn ? defaultCondition(c.field).value : c.value })
                }}
                options={FIELDS[c.field].ops.map((op) => ({ value: op, label: t(`op.${op}` as MessageKey) }))}
              />
              <ValueInput condition={c} tiers={tiers} onChange={(v) => update(i, { ...c, value: v })} />
              <Button variant='plain-danger' aria-label={t('segments.remove')} onClick={() => onChange({ ...value, conditions: value.conditions.filter((_, j) => j !== i) })}>✕</Button>
            </div>
            {missing.length > 0 && <p><Badge tone='warning'>{t('common.tierMissing')}</Badge> <span class='muted'>{t('common.tierMissingHint')}</span></p>}
          </div>
        )
      })}
      <Button variant='plain' onClick={() => onChange({ ...value, conditions: [...value.conditions, defaultCondition()] })} data-testid='add-condition'>+ {t('segments.addCondition')}</Button>
    </div>
  )
}
