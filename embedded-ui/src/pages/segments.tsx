// Nhóm khách hàng: groups with live counts, the condition builder with a live count, Lưu bộ lọc (new or overwrite), members, export.
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../api.ts'
import { PageHeader } from '../components/page-header.tsx'
import { CustomerList, useDebounced } from '../components/customer-list.tsx'
import { SegmentBuilder, isComplete, type Definition } from '../components/segment-builder.tsx'
import { formatNumber } from '../format.ts'
import { t } from '../i18n.ts'

interface Group { id: string, name: string, definition: Definition, count: number }
const EMPTY: Definition = { match: 'all', conditions: [] }

function SaveDialog ({ groups, editing, definition, onDone, onCancel }: {
  groups: Group[], editing: Group | null, definition: Definition, onDone: () => void, onCancel: () => void
}) {
  const [mode, setMode] = useState<'new' | 'overwrite'>(editing ? 'overwrite' : 'new')
  const [name, setName] = useState('')
  const [targetId, setTargetId] = useState(editing?.id ?? groups[0]?.id ?? '')
  const [error, setError] = useState('')
  async function save (e: Event) {
    e.preventDefault()
    const target = groups.find((g) => g.id === targetId)
    try {
      if (mode === 'new') await api('/api/segments', { method: 'POST', body: JSON.stringify({ name, definition }) })
      else if (target) await api(`/api/segments/${target.id}`, { method: 'PUT', body: JSON.stringify({ name: target.name, definition }) })
      onDone()
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err))
    }
  }
  return (
    <form class='seg-dialog card' role='dialog' aria-label={t('segments.saveTitle')} onSubmit={save}>
      <h2 class='card__title'>{t('segments.saveTitle')}</h2>
      <label><input type='radio' checked={mode === 'new'} onChange={() => setMode('new')} /> {t('segments.saveNew')}</label>
      {mode === 'new' && <label>{t('segments.groupName')} <input required maxLength={120} value={name} onInput={(e) => setName(e.currentTarget.value)} /></label>}
      <label><input type='radio' checked={mode === 'overwrite'} disabled={groups.length === 0} onChange={() => setMode('overwrite')} /> {t('segments.saveOverwrite')}</label>
      {mode === 'overwrite' && (
        <label>{t('segments.groupToOverwrite')}{' '}
          <select value={targetId} onChange={(e) => setTargetId(e.currentTarget.value)}>
            {groups.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
          </select>
        </label>
      )}
      {error && <p class='error-box' role='alert'>{error}</p>}
      <div class='seg-row'>
        <button type='submit' class='button'>{t('segments.saveButton')}</button>
        <button type='button' class='button button--ghost' onClick={onCancel}>{t('segments.cancel')}</button>
      </div>
    </form>
  )
}

export function SegmentsPage () {
  const [groups, setGroups] = useState<Group[]>([])
  const [reloads, setReloads] = useState(0)
  const [definition, setDefinition] = useState<Definition>(EMPTY)
  const [editing, setEditing] = useState<Group | null>(null)
  const [viewing, setViewing] = useState<Group | null>(null)
  const [saving, setSaving] = useState(false)
  const [count, setCount] = useState<number | null>(null)
  const [error, setError] = useState('')
  const complete: Definition = { ...definition, conditions: definition.conditions.filter(isComplete) }
  const previewKey = useDebounced(JSON.stringify(complete), 400)

  useEffect(() => {
    api<{ items: Group[] }>('/api/segments').then((b) => setGroups(b.items)).catch((err: unknown) => setError(String((err as Error).message)))
  }, [reloads])

  useEffect(() => {
    let current = true
    setCount(null)
    api<{ count: number }>('/api/segments/preview', { method: 'POST', body: JSON.stringify({ definition: JSON.parse(previewKey) }) })
      .then((b) => { if (current) { setCount(b.count); setError('') } })
      .catch((err: unknown) => { if (current) setError((err as Error).message) })
    return () => { current = false }
  }, [previewKey])

  async function remove (g: Group) {
    if (!window.confirm(t('segments.deleteConfirm', { name: g.name }))) return
    await api(`/api/segments/${g.id}`, { method: 'DELETE' })
    if (viewing?.id === g.id) setViewing(null)
    setReloads((n) => n + 1)
  }

  return (
    <>
      <PageHeader title={t('nav.segments')}>{t('segments.lead')}</PageHeader>
      <section class='card'>
        <h2 class='card__title'>{t('segments.groups')}</h2>
        {groups.length === 0 && <p class='muted'>{t('segments.noGroups')}</p>}
        <ul class='seg-list'>
          {groups.map((g) => (
            <li key={g.id} data-testid='segment-group'>
              <span class='seg-list__name'>{g.name}</span>
              <span class='muted'>{t('segments.count', { count: formatNumber(g.count) })}</span>
              <button type='button' class='button button--ghost' onClick={() => setViewing(g)}>{t('segments.view')}</button>
              <button type='button' class='button button--ghost' onClick={() => { setEditing(g); setDefinition(g.definition) }}>{t('segments.edit')}</button>
              <button type='button' class='button button--danger' onClick={() => remove(g)}>{t('segments.delete')}</button>
            </li>
          ))}
        </ul>
      </section>
      <section class='card'>
        <h2 class='card__title'>{editing ? editing.name : t('segments.new')}</h2>
        <SegmentBuilder value={definition} onChange={setDefinition} />
        <div class='seg-row' style={{ marginTop: '12px' }}>
          <strong role='status'>{count === null ? t('segments.counting') : t('segments.liveCount', { count: formatNumber(count) })}</strong>
          <button type='button' class='button' onClick={() => setSaving(true)}>{t('segments.save')}</button>
          {editing && <button type='button' class='button button--ghost' onClick={() => { setEditing(null); setDefinition(EMPTY) }}>{t('segments.new')}</button>}
        </div>
        {error && <p class='error-box' role='alert'>{error}</p>}
        {saving && (
          <SaveDialog
            groups={groups} editing={editing} definition={complete}
            onCancel={() => setSaving(false)}
            onDone={() => { setSaving(false); setReloads((n) => n + 1) }}
          />
        )}
      </section>
      {viewing && (
        <>
          <h2 class='card__title' style={{ marginTop: '20px' }}>{t('segments.members', { name: viewing.name })}</h2>
          <CustomerList
            key={viewing.id} endpoint='/api/customers' exportPath='/api/customers/export.csv' exportName='nhom-khach-hang.csv'
            baseParams={{ segment: viewing.id }} defaultSort='lastOrderAt:desc'
          />
        </>
      )}
    </>
  )
}
