// Cấu hình → Nhập dữ liệu đầu kỳ: template, upload with progress, preview, confirm, progress, result, error report, undo, history.
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError, downloadFile } from '../api.ts'
import { PageHeader } from '../components/page-header.tsx'
import { Button } from '../components/button.tsx'
import { Badge, Banner, Card, EmptyState, ProgressBar } from '../components/feedback.tsx'
import { Table } from '../components/table.tsx'
import { Tabs } from '../components/tabs.tsx'
import { confirmDialog } from '../components/dialog.tsx'
import { formatPhone } from '../format.ts'
import { formatDateTime, formatNumber, formatVnd } from '../format.ts'
import type { ImportCreated, ImportKind, ImportLineList, ImportList, ImportPreview, ImportView } from '../../../api-types/imports.ts'
import { t, type MessageKey } from '../i18n.ts'
import { getSessionToken } from '../session.ts'

type Kind = ImportKind
const PATH: Record<Kind, string> = { opening_balance: 'opening-balance', point_adjustment: 'point-adjustment' }

type Import = ImportView

const message = (err: unknown) => (err instanceof ApiError || err instanceof Error ? err.message : String(err))

// XMLHttpRequest rather than fetch: only it reports upload progress.
function uploadFile (kind: Kind, file: File, onProgress: (percent: number) => void): Promise<Pick<ImportCreated, 'id'>> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `/api/imports/${PATH[kind]}`)
    xhr.setRequestHeader('Authorization', `Bearer ${getSessionToken() ?? ''}`)
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100)) }
    xhr.onload = () => {
      let body: { id?: string, message?: string } = {}
      try { body = JSON.parse(xhr.responseText) } catch { /* not JSON */ }
      if (xhr.status === 200 && body.id) resolve({ id: body.id })
      else reject(new ApiError(xhr.status, body.message ?? `HTTP ${xhr.status}`))
    }
    xhr.onerror = () => reject(new ApiError(0, 'Network error'))
    const form = new FormData()
    form.append('file', file)
    xhr.send(form)
  })
}

const STATUS_TONE: Record<Import['status'], 'info' | 'success' | 'warning' | 'critical' | 'attention' | undefined> = {
  parsing: 'info', previewed: 'attention', applying: 'info', done: 'success', failed: 'critical', undoing: 'info', undone: undefined,
}
const StatusBadge = ({ status }: { status: Import['status'] }) => <Badge tone={STATUS_TONE[status]}>{t(`imports.st.${status}` as MessageKey)}</Badge>

function Counts ({ preview }: { preview: ImportPreview }) {
  const items: Array<[MessageKey, number]> = [
    ['imports.rows', preview.rows], ['imports.matched', preview.matched], ['imports.notFound', preview.notFound],
    ['imports.alreadyImported', preview.alreadyImported], ['imports.invalid', preview.invalid], ['imports.duplicates', preview.duplicates],
    ['imports.warnings', preview.warnings],
  ]
  return (
    <dl class='stat-list' data-testid='import-counts'>
      {items.map(([key, value]) => <div class='stat' key={key}><dt>{t(key)}</dt><dd>{formatNumber(value)}</dd></div>)}
    </dl>
  )
}

function ProblemLines ({ id }: { id: string }) {
  const [data, setData] = useState<ImportLineList | null>(null)
  useEffect(() => { api<ImportLineList>(`/api/imports/${id}/rows?limit=50`).then(setData).catch(() => setData(null)) }, [id])
  if (!data) return null
  if (data.total === 0) return <p class='muted'>{t('imports.noProblems')}</p>
  return (
    <>
      <h3 class='card__subtitle'>{t('imports.problemLines')}</h3>
      <Table label={t('imports.problemLines')} testId='import-problems'>
        <thead><tr><th class='num'>{t('imports.line')}</th><th>{t('imports.status')}</th><th>{t('imports.phone')}</th><th>{t('imports.reason')}</th></tr></thead>
        <tbody>
          {data.items.map((r) => (
            <tr key={r.line}>
              <td class='num'>{r.line}</td>
              <td><Badge tone={r.status === 'matched' ? 'attention' : 'critical'}>{t(`imports.row.${r.status}` as MessageKey)}</Badge></td>
              <td class='nowrap'>{r.phone ? formatPhone(r.phone) : (r.raw?.DienThoai ?? r.raw?.SoDienThoai ?? '')}</td>
              <td>{r.status === 'matched' ? r.warning : r.reason}</td>
            </tr>
          ))}
        </tbody>
      </Table>
      {data.total > data.items.length && <p class='muted'>{t('imports.moreLines', { count: data.total - data.items.length })}</p>}
    </>
  )
}

function Current ({ imp, onChange }: { imp: Import, onChange: (imp: Import) => void }) {
  const [error, setError] = useState('')
  const running = imp.status === 'applying' || imp.status === 'undoing' || imp.status === 'parsing'
  useEffect(() => {
    if (!running) return
    const timer = setInterval(() => { api<Import>(`/api/imports/${imp.id}`).then(onChange).catch(() => {}) }, 1000)
    return () => clearInterval(timer)
  }, [imp.id, running])

  const [busy, setBusy] = useState(false)
  const act = async (path: 'confirm' | 'undo', body: string) => {
    const undo = path === 'undo'
    const ok = await confirmDialog({
      title: t(undo ? 'imports.undoTitle' : 'imports.confirmTitle'),
      body,
      confirmLabel: t(undo ? 'imports.undo' : 'imports.confirm'),
      danger: undo,
      consequences: undo ? [t('imports.undoConsequence1'), t('imports.undoConsequence2')] : [t('imports.confirmConsequence')],
    })
    if (!ok) return
    setBusy(true)
    try { onChange(await api<Import>(`/api/imports/${imp.id}/${path}`, { method: 'POST' })) } catch (err) { setError(message(err)) } finally { setBusy(false) }
  }
  const report = () => downloadFile(`/api/imports/${imp.id}/errors.csv`, 'bao-cao-loi.csv').catch((err) => setError(message(err)))
  const matched = imp.preview?.matched ?? 0
  return (
    <Card
      data-status={imp.status} testId='import-current'
      title={<>{t('imports.previewTitle')}: {imp.fileName ?? ''} <StatusBadge status={imp.status} /></>}
    >
      {imp.preview && <Counts preview={imp.preview} />}
      {imp.status === 'applying' && <><p role='status'>{t('imports.applying', { done: formatNumber(imp.progress.done), total: formatNumber(imp.progress.total) })}</p><ProgressBar {...imp.progress} label={t('imports.st.applying')} testId='import-progress' /></>}
      {imp.status === 'undoing' && <><p role='status'>{t('imports.undoing', { done: formatNumber(imp.progress.done), total: formatNumber(imp.progress.total) })}</p><ProgressBar {...imp.progress} label={t('imports.st.undoing')} testId='import-progress' /></>}
      {imp.status === 'done' && <Banner tone='success' testId='import-result'>{t('imports.done', { applied: formatNumber(Number(imp.result?.applied ?? 0)), points: formatNumber(Number(imp.result?.points ?? 0)) })}</Banner>}
      {imp.rule && (imp.status === 'applying' || imp.status === 'done') && (
        <p class='muted' data-testid='import-rule'>{t('imports.rule', {
          vnd: formatVnd(imp.rule.vndPerPoint),
          points: formatNumber(imp.rule.pointsPerStep),
          rounding: t(`loyalty.rounding.${imp.rule.rounding}`).toLowerCase(),
          rankVnd: formatVnd(imp.rule.vndPerRankPoint),
        })}
        </p>
      )}
      {imp.status === 'undone' && <Banner tone='info' testId='import-undone'>{t('imports.undone')}</Banner>}
      {imp.status === 'failed' && <Banner tone='critical'>{t('imports.failed', { error: imp.error ?? '' })}</Banner>}
      {error && <Banner tone='critical'>{t('imports.error', { message: error })}</Banner>}
      {imp.status === 'previewed' && <ProblemLines id={imp.id} />}
      <div class='card__footer'>
        <Button onClick={report}>{t('imports.errorReport')}</Button>
        {imp.status === 'done' && (
          <Button variant='danger' busy={busy} data-testid='import-undo' onClick={() => act('undo', t('imports.undoWarning'))}>{t('imports.undo')}</Button>
        )}
        {imp.status === 'previewed' && (
          <Button
            variant='primary' busy={busy} disabled={matched === 0} data-testid='import-confirm'
            onClick={() => act('confirm', t(imp.kind === 'opening_balance' ? 'imports.confirmWarning' : 'imports.confirmAdjustWarning', { count: formatNumber(matched) }))}
          >{t('imports.confirm')}
          </Button>
        )}
      </div>
    </Card>
  )
}

function Uploader ({ kind, onUploaded }: { kind: Kind, onUploaded: (id: string) => void }) {
  const [percent, setPercent] = useState<number | null>(null)
  const [error, setError] = useState('')
  const [over, setOver] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  const send = async (file: File | undefined) => {
    if (!file) return
    setError('')
    setPercent(0)
    try { onUploaded((await uploadFile(kind, file, setPercent)).id) } catch (err) { setError(message(err)) } finally { setPercent(null) }
  }
  return (
    <div
      data-testid='import-dropzone'
      onDragOver={(e) => { e.preventDefault(); setOver(true) }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => { e.preventDefault(); setOver(false); send(e.dataTransfer?.files[0]) }}
      class={over ? 'dropzone dropzone--over' : 'dropzone'}
    >
      <p>{t('imports.drop')}</p>
      <Button variant='primary' onClick={() => input.current?.click()} busy={percent !== null} data-testid='import-choose'>{t('imports.choose')}</Button>
      <input ref={input} type='file' accept='.csv,text/csv' hidden data-testid='import-file' onChange={(e) => { send(e.currentTarget.files?.[0]); e.currentTarget.value = '' }} />
      {percent !== null && <><p role='status' style={{ marginTop: '12px' }}>{percent < 100 ? t('imports.uploading', { percent }) : t('imports.checking')}</p><ProgressBar done={percent} total={100} label={t('imports.checking')} /></>}
      {error && <Banner tone='critical'>{error}</Banner>}
    </div>
  )
}

function History ({ kind, refresh, onOpen }: { kind: Kind, refresh: number, onOpen: (imp: Import) => void }) {
  const [items, setItems] = useState<Import[]>([])
  useEffect(() => { api<ImportList>(`/api/imports?kind=${kind}&limit=20`).then((b) => setItems(b.items)).catch(() => {}) }, [kind, refresh])
  return (
    <Card title={t('imports.history')}>
      {items.length === 0
        ? <EmptyState title={t('imports.historyEmpty')} />
        : (
          <Table label={t('imports.history')} testId='import-history'>
            <thead><tr><th>{t('imports.createdAt')}</th><th>{t('imports.file')}</th><th class='num'>{t('imports.rows')}</th><th>{t('imports.status')}</th><th /></tr></thead>
            <tbody>
              {items.map((imp) => (
                <tr key={imp.id}>
                  <td class='nowrap'>{formatDateTime(imp.createdAt)}</td>
                  <td>{imp.fileName}</td>
                  <td class='num'>{formatNumber(imp.preview?.rows ?? 0)}</td>
                  <td><StatusBadge status={imp.status} /></td>
                  <td class='num'><Button slim onClick={() => onOpen(imp)}>{t('imports.view')}</Button></td>
                </tr>
              ))}
            </tbody>
          </Table>
          )}
    </Card>
  )
}

export function SettingsImportPage () {
  const [kind, setKind] = useState<Kind>('opening_balance')
  const [current, setCurrent] = useState<Import | null>(null)
  const [refresh, setRefresh] = useState(0)
  const [error, setError] = useState('')
  const open = (id: string) => api<Import>(`/api/imports/${id}`).then((imp) => { setCurrent(imp); setKind(imp.kind); setRefresh((n) => n + 1) }).catch((err) => setError(message(err)))
  // The finished-import email links here with ?id=.
  useEffect(() => { const id = new URLSearchParams(window.location.search).get('id'); if (id) open(id) }, [])
  const update = (imp: Import) => { setCurrent(imp); if (imp.status !== current?.status) setRefresh((n) => n + 1) }
  const opening = kind === 'opening_balance'
  return (
    <>
      <PageHeader title={t('nav.settingsImport')}>{t(opening ? 'imports.openingLead' : 'imports.adjustmentLead')}</PageHeader>
      <Tabs
        label='nav.settingsImport' selected={kind}
        onSelect={(k) => { setKind(k as Kind); setCurrent(null) }}
        tabs={[
          { key: 'opening_balance', label: t('imports.tabOpening'), testId: 'tab-opening' },
          { key: 'point_adjustment', label: t('imports.tabAdjustment'), testId: 'tab-adjustment' },
        ]}
      />
      <Card
        title={t(opening ? 'imports.howOpening' : 'imports.howAdjustment')}
        actions={(
          <Button
            data-testid='import-template'
            onClick={() => downloadFile(`/api/imports/${PATH[kind]}/template.csv`, `${PATH[kind]}-mau.csv`).catch((err) => setError(message(err)))}
          >{t('imports.template')}
          </Button>
        )}
      >
        {opening
          ? <ul class='bullets'><li>{t('imports.openingDtDauKy')}</li><li>{t('imports.openingDtTichLuy')}</li><li>{t('imports.openingOnce')}</li><li>{t('imports.openingCustomers')}</li></ul>
          : <ul class='bullets'><li>{t('imports.adjustmentRules')}</li></ul>}
        <Uploader kind={kind} onUploaded={(id) => { open(id) }} />
        {error && <Banner tone='critical'>{error}</Banner>}
      </Card>
      {current && current.kind === kind && <Current imp={current} onChange={update} />}
      <History kind={kind} refresh={refresh} onOpen={(imp) => { open(imp.id) }} />
    </>
  )
}
