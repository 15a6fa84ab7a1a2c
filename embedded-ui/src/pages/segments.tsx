// Nhóm khách hàng: groups with live counts, the condition builder with a live count, Lưu bộ lọc (new or overwrite), members, export.
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../api.ts'
import { PageHeader } from '../components/page-header.tsx'
import { CustomerList, useDebounced } from '../components/customer-list.tsx'
import { SegmentBuilder, isComplete, missingTiers, type Definition, type TierOption } from '../components/segment-builder.tsx'
import { Button } from '../components/button.tsx'
import { Badge, Banner, Card, EmptyState } from '../components/feedback.tsx'
import { Dialog, confirmDialog } from '../components/dialog.tsx'
import { TextField, Select } from '../components/form.tsx'
import { toast } from '../components/toast.tsx'
import { formatNumber } from '../format.ts'
import { t } from '../i18n.ts'
import type { Segment, SegmentBody, SegmentPreviewResponse } from '../../../api-types/segments.ts'

type Group = Segment
const EMPTY: Definition = { match: 'all', conditions: [] }
const message = (err: unknown) => (err instanceof Error ? err.message : String(err))

function SaveDialog ({ groups, editing, definition, onSaved, onCancel }: {
  groups: Group[], editing: Group | null, definition: Definition, onSaved: (g: Group, overwrote: boolean) => void, onCancel: () => void
}) {
  // Editing a saved group: overwriting it is the default; a new group is the explicit other choice.
  const [mode, setMode] = useState<'new' | 'overwrite'>(editing ? 'overwrite' : 'new')
  const [name, setName] = useState('')
  const [targetId, setTargetId] = useState(editing?.id ?? groups[0]?.id ?? '')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  async function save (e: Event) {
    e.preventDefault()
    if (mode === 'new' && name.trim() === '') { setError(t('segments.nameRequired')); return }
    const target = groups.find((g) => g.id === targetId)
    setBusy(true)
    try {
      const saved = mode === 'new'
        ? await api<Group>('/api/segments', { method: 'POST', body: JSON.stringify({ name: name.trim(), definition } satisfies SegmentBody) })
        : await api<Group>(`/api/segments/${target!.id}`, { method: 'PUT', body: JSON.stringify({ name: target!.name, definition } satisfies SegmentBody) })
      onSaved(saved, mode === 'overwrite')
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Dialog
      open title={t('segments.saveTitle')} onClose={onCancel} testId='segment-save-dialog'
      footer={(
        <>
          <Button onClick={onCancel}>{t('segments.cancel')}</Button>
          <Button variant='primary' type='submit' form='segment-save-form' busy={busy} data-testid='segment-save-confirm'>{t('segments.saveButton')}</Button>
        </>
      )}
    >
      <form id='segment-save-form' class='stack' onSubmit={save}>
        <label class='check'><input type='radio' name='save-mode' checked={mode === 'overwrite'} disabled={groups.length === 0} onChange={() => setMode('overwrite')} data-testid='save-mode-overwrite' /> {t('segments.saveOverwrite')}</label>
        {mode === 'overwrite' && (
          <Select label={t('segments.groupToOverwrite')} value={targetId} onValue={setTargetId} options={groups.map((g) => ({ value: g.id, label: g.name }))} />
        )}
        <label class='check'><input type='radio' name='save-mode' checked={mode === 'new'} onChange={() => setMode('new')} data-testid='save-mode-new' /> {t('segments.saveNew')}</label>
        {mode === 'new' && <TextField label={t('segments.groupName')} maxLength={120} value={name} onValue={setName} data-testid='segment-name' />}
        {error && <Banner tone='critical'>{error}</Banner>}
      </form>
    </Dialog>
  )
}

export function SegmentsPage () {
  const [groups, setGroups] = useState<Group[]>([])
  const [tiers, setTiers] = useState<TierOption[]>([])
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
    api<{ items: Group[] }>('/api/segments').then((b) => setGroups(b.items)).catch((err: unknown) => setError(message(err)))
  }, [reloads])
  useEffect(() => {
    api<TierOption[]>('/api/tiers').then(setTiers).catch((err: unknown) => setError(message(err)))
  }, [])

  useEffect(() => {
    let current = true
    setCount(null)
    api<SegmentPreviewResponse>('/api/segments/preview', { method: 'POST', body: JSON.stringify({ definition: JSON.parse(previewKey) }) })
      .then((b) => { if (current) { setCount(b.count); setError('') } })
      .catch((err: unknown) => { if (current) setError(message(err)) })
    return () => { current = false }
  }, [previewKey])

  async function remove (g: Group) {
    const ok = await confirmDialog({
      title: t('segments.deleteTitle'),
      consequences: [t('segments.deleteConsequence1', { name: g.name }), t('segments.deleteConsequence2')],
      confirmLabel: t('segments.delete'),
      danger: true,
    })
    if (!ok) return
    try {
      await api(`/api/segments/${g.id}`, { method: 'DELETE' })
      if (viewing?.id === g.id) setViewing(null)
      if (editing?.id === g.id) { setEditing(null); setDefinition(EMPTY) }
      toast(t('segments.deleted', { name: g.name }))
      setReloads((n) => n + 1)
    } catch (err) {
      setError(message(err))
    }
  }

  const onSaved = (g: Group, overwrote: boolean) => {
    setSaving(false)
    setEditing(g)
    setDefinition(g.definition)
    toast(t(overwrote ? 'segments.savedOverwrite' : 'segments.savedNew', { name: g.name, count: formatNumber(g.count) }))
    setReloads((n) => n + 1)
  }
  const groupProblems = (g: Group) => (g.problems?.length ?? 0) > 0 || g.definition.conditions.some((c) => tiers.length > 0 && missingTiers(c, tiers).length > 0)

  return (
    <>
      <PageHeader title={t('nav.segments')}>{t('segments.lead')}</PageHeader>
      <Card title={t('segments.groups')} testId='segment-groups'>
        {groups.length === 0 && <EmptyState title={t('segments.noGroups')} />}
        <ul class='resource-list'>
          {groups.map((g) => (
            <li key={g.id} data-testid='segment-group' class={editing?.id === g.id ? 'resource-list__item resource-list__item--current' : 'resource-list__item'}>
              <div class='resource-list__main'>
                <span class='resource-list__name'>{g.name}</span>
                <span class='muted'>{t('segments.count', { count: formatNumber(g.count) })}</span>
                {editing?.id === g.id && <Badge tone='info'>{t('segments.current')}</Badge>}
                {groupProblems(g) && <Badge tone='warning' title={(g.problems ?? []).join('; ') || t('common.tierMissingHint')} testId='segment-problem'>{t('common.tierMissing')}</Badge>}
              </div>
              <div class='inline'>
                <Button slim onClick={() => setViewing(g)}>{t('segments.view')}</Button>
                <Button slim onClick={() => { setEditing(g); setDefinition(g.definition) }} data-testid='segment-edit'>{t('segments.edit')}</Button>
                <Button slim variant='danger' onClick={() => remove(g)}>{t('segments.delete')}</Button>
              </div>
            </li>
          ))}
        </ul>
      </Card>
      <Card
        title={editing ? t('segments.editing', { name: editing.name }) : t('segments.new')} testId='segment-builder'
        actions={editing && <Button variant='plain' onClick={() => { setEditing(null); setDefinition(EMPTY) }}>+ {t('segments.new')}</Button>}
      >
        <SegmentBuilder value={definition} onChange={setDefinition} tiers={tiers} />
        <div class='card__footer'>
          <strong role='status' class='toolbar__grow' data-testid='segment-count'>{count === null ? t('segments.counting') : t('segments.liveCount', { count: formatNumber(count) })}</strong>
          <Button variant='primary' onClick={() => setSaving(true)} data-testid='segment-save'>{t('segments.save')}</Button>
        </div>
        {error && <Banner tone='critical'>{error}</Banner>}
      </Card>
      {saving && (
        <SaveDialog groups={groups} editing={editing} definition={complete} onCancel={() => setSaving(false)} onSaved={onSaved} />
      )}
      {viewing && (
        <>
          <h2 class='card__subtitle' style={{ marginTop: '24px' }}>{t('segments.members', { name: viewing.name })}</h2>
          <CustomerList
            key={viewing.id} endpoint='/api/customers' exportPath='/api/customers/export.csv' exportName='nhom-khach-hang.csv'
            baseParams={{ segment: viewing.id }} defaultSort='lastOrderAt:desc'
          />
        </>
      )}
    </>
  )
}
