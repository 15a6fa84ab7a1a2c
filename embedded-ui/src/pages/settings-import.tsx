// Cấu hình → Nhập dữ liệu đầu kỳ: template, upload with progress, preview, confirm, progress, result, error report, undo, history.
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError, downloadFile } from '../api.ts'
import { PageHeader } from '../components/page-header.tsx'
import { formatDateTime, formatNumber, formatVnd } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { getSessionToken } from '../session.ts'

type Kind = 'opening_balance' | 'point_adjustment'
const PATH: Record<Kind, string> = { opening_balance: 'opening-balance', point_adjustment: 'point-adjustment' }

interface Preview { rows: number, valid: number, matched: number, notFound: number, alreadyImported: number, invalid: number, duplicates: number, warnings: number }
interface Import {
  id: string
  kind: Kind
  status: 'parsing' | 'previewed' | 'applying' | 'done' | 'failed' | 'undoing' | 'undone'
  progress: { done: number, total: number }
  preview: Preview | null
  result: Record<string, number> | null
  rule: { vndPerPoint: number, pointsPerStep: number, rounding: 'floor' | 'half_up', vndPerRankPoint: number } | null
  fileName: string | null
  error: string | null
  createdAt: string
}
interface Line { line: number, status: string, reason: string | null, warning: string | null, phone: string | null, raw: Record<string, string> | null }

const message = (err: unknown) => (err instanceof ApiError || err instanceof Error ? err.message : String(err))

// XMLHttpRequest rather than fetch: only it reports upload progress.
function uploadFile (kind: Kind, file: File, onProgress: (percent: number) => void): Promise<{ id: string }> {
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

function ProgressBar ({ done, total }: { done: number, total: number }) {
  return <progress data-testid='import-progress' max={Math.max(total, 1)} value={done} style={{ width: '100%', height: '12px' }} />
}

function Counts ({ preview }: { preview: Preview }) {
  const items: Array<[MessageKey, number]> = [
    ['imports.rows', preview.rows], ['imports.matched', preview.matched], ['imports.notFound', preview.notFound],
    ['imports.alreadyImported', preview.alreadyImported], ['imports.invalid', preview.invalid], ['imports.duplicates', preview.duplicates],
    ['imports.warnings', preview.warnings],
  ]
  return (
    <dl class='details' data-testid='import-counts'>
      {items.map(([key, value]) => <div class='details__row' key={key}><dt>{t(key)}</dt><dd>{formatNumber(value)}</dd></div>)}
    </dl>
  )
}

function ProblemLines ({ id }: { id: string }) {
  const [data, setData] = useState<{ items: Line[], total: number } | null>(null)
  useEffect(() => { api<{ items: Line[], total: number }>(`/api/imports/${id}/rows?limit=50`).then(setData).catch(() => setData(null)) }, [id])
  if (!data) return null
  if (data.total === 0) return <p class='muted'>{t('imports.noProblems')}</p>
  return (
    <>
      <h3 class='card__title'>{t('imports.problemLines')}</h3>
      <table class='table' data-testid='import-problems'>
        <thead><tr><th>{t('imports.line')}</th><th>{t('imports.status')}</th><th>{t('imports.phone')}</th><th>{t('imports.reason')}</th></tr></thead>
        <tbody>
          {data.items.map((r) => (
            <tr key={r.line}>
              <td>{r.line}</td>
              <td>{t(`imports.row.${r.status}` as MessageKey)}</td>
              <td>{r.raw?.DienThoai ?? r.raw?.SoDienThoai ?? ''}</td>
              <td>{r.status === 'matched' ? r.warning : r.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
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

  const act = async (path: 'confirm' | 'undo', warning: string) => {
    if (!window.confirm(warning)) return
    try { onChange(await api<Import>(`/api/imports/${imp.id}/${path}`, { method: 'POST' })) } catch (err) { setError(message(err)) }
  }
  const report = () => downloadFile(`/api/imports/${imp.id}/errors.csv`, 'bao-cao-loi.csv').catch((err) => setError(message(err)))
  const matched = imp.preview?.matched ?? 0
  return (
    <section class='card' data-testid='import-current' data-status={imp.status}>
      <h2 class='card__title'>{t('imports.previewTitle')}: {imp.fileName ?? ''} <span class='badge'>{t(`imports.st.${imp.status}` as MessageKey)}</span></h2>
      {imp.preview && <Counts preview={imp.preview} />}
      {imp.status === 'applying' && <><p role='status'>{t('imports.applying', { done: imp.progress.done, total: imp.progress.total })}</p><ProgressBar {...imp.progress} /></>}
      {imp.status === 'undoing' && <><p role='status'>{t('imports.undoing', { done: imp.progress.done, total: imp.progress.total })}</p><ProgressBar {...imp.progress} /></>}
      {imp.status === 'done' && <p role='status' data-testid='import-result'>{t('imports.done', { applied: formatNumber(imp.result?.applied ?? 0), points: formatNumber(imp.result?.points ?? 0) })}</p>}
      {imp.rule && (imp.status === 'applying' || imp.status === 'done') && (
        <p class='muted' data-testid='import-rule'>{t('imports.rule', {
          vnd: formatVnd(imp.rule.vndPerPoint),
          points: formatNumber(imp.rule.pointsPerStep),
          rounding: t(`loyalty.rounding.${imp.rule.rounding}`).toLowerCase(),
          rankVnd: formatVnd(imp.rule.vndPerRankPoint),
        })}
        </p>
      )}
      {imp.status === 'undone' && <p role='status'>{t('imports.undone')}</p>}
      {imp.status === 'failed' && <div class='error-box' role='alert'>{t('imports.failed', { error: imp.error ?? '' })}</div>}
      {error && <div class='error-box' role='alert'>{t('imports.error', { message: error })}</div>}
      <p style={{ display: 'flex', gap: '8px', flexWrap: 'wrap' }}>
        {imp.status === 'previewed' && matched > 0 && (
          <button
            type='button' class='button' data-testid='import-confirm'
            onClick={() => act('confirm', t(imp.kind === 'opening_balance' ? 'imports.confirmWarning' : 'imports.confirmAdjustWarning', { count: formatNumber(matched) }))}
          >{t('imports.confirm')}
          </button>
        )}
        <button type='button' class='button button--secondary' onClick={report}>{t('imports.errorReport')}</button>
        {imp.status === 'done' && (
          <button type='button' class='button button--secondary' data-testid='import-undo' onClick={() => act('undo', t('imports.undoWarning'))}>{t('imports.undo')}</button>
        )}
      </p>
      {imp.status === 'previewed' && <ProblemLines id={imp.id} />}
    </section>
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
      style={{ border: `2px dashed ${over ? '#2962ff' : '#c4cdd5'}`, borderRadius: '8px', padding: '24px', textAlign: 'center' }}
    >
      <p>{t('imports.drop')}{' '}
        <button type='button' class='button' onClick={() => input.current?.click()} disabled={percent !== null}>{t('imports.choose')}</button>
      </p>
      <input ref={input} type='file' accept='.csv,text/csv' hidden data-testid='import-file' onChange={(e) => { send(e.currentTarget.files?.[0]); e.currentTarget.value = '' }} />
      {percent !== null && <><p role='status'>{percent < 100 ? t('imports.uploading', { percent }) : t('imports.checking')}</p><ProgressBar done={percent} total={100} /></>}
      {error && <div class='error-box' role='alert'>{error}</div>}
    </div>
  )
}

function History ({ kind, refresh, onOpen }: { kind: Kind, refresh: number, onOpen: (imp: Import) => void }) {
  const [items, setItems] = useState<Import[]>([])
  useEffect(() => { api<{ items: Import[] }>(`/api/imports?kind=${kind}&limit=20`).then((b) => setItems(b.items)).catch(() => {}) }, [kind, refresh])
  return (
    <section class='card'>
      <h2 class='card__title'>{t('imports.history')}</h2>
      {items.length === 0
        ? <p class='muted'>{t('imports.historyEmpty')}</p>
        : (
          <table class='table' data-testid='import-history'>
            <thead><tr><th>{t('imports.createdAt')}</th><th>{t('imports.file')}</th><th>{t('imports.rows')}</th><th>{t('imports.status')}</th><th /></tr></thead>
            <tbody>
              {items.map((imp) => (
                <tr key={imp.id}>
                  <td>{formatDateTime(imp.createdAt)}</td>
                  <td>{imp.fileName}</td>
                  <td>{formatNumber(imp.preview?.rows ?? 0)}</td>
                  <td>{t(`imports.st.${imp.status}` as MessageKey)}</td>
                  <td><button type='button' class='button button--secondary' onClick={() => onOpen(imp)}>{t('imports.view')}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
          )}
    </section>
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
      <div role='tablist' style={{ display: 'flex', gap: '8px', marginBottom: '16px' }}>
        {(['opening_balance', 'point_adjustment'] as const).map((k) => (
          <button
            key={k} type='button' role='tab' aria-selected={kind === k} class={kind === k ? 'button' : 'button button--secondary'}
            onClick={() => { setKind(k); setCurrent(null) }}
          >{t(k === 'opening_balance' ? 'imports.tabOpening' : 'imports.tabAdjustment')}
          </button>
        ))}
      </div>
      <section class='card'>
        {opening
          ? <ul><li>{t('imports.openingDtDauKy')}</li><li>{t('imports.openingDtTichLuy')}</li><li>{t('imports.openingOnce')}</li><li>{t('imports.openingCustomers')}</li></ul>
          : <ul><li>{t('imports.adjustmentRules')}</li></ul>}
        <p>
          <button
            type='button' class='button button--secondary' data-testid='import-template'
            onClick={() => downloadFile(`/api/imports/${PATH[kind]}/template.csv`, `${PATH[kind]}-mau.csv`).catch((err) => setError(message(err)))}
          >{t('imports.template')}
          </button>
        </p>
        <Uploader kind={kind} onUploaded={(id) => { open(id) }} />
        {error && <div class='error-box' role='alert'>{error}</div>}
      </section>
      {current && current.kind === kind && <Current imp={current} onChange={update} />}
      <History kind={kind} refresh={refresh} onOpen={(imp) => { open(imp.id) }} />
    </>
  )
}
