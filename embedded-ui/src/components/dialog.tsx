// Modal dialogs on the native <dialog> (focus trap, Esc, backdrop for free) and a promise-based confirm with consequences.
import type { ComponentChildren } from 'preact'
import { useEffect, useId, useRef, useState } from 'preact/hooks'
import { t } from '../i18n.ts'
import { Button } from './button.tsx'

interface DialogProps {
  open: boolean
  title: ComponentChildren
  onClose: () => void
  children: ComponentChildren
  footer?: ComponentChildren
  testId?: string
}

export function Dialog ({ open, title, onClose, children, footer, testId }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    const el = ref.current
    if (!el) return
    if (open && !el.open) el.showModal()
    if (!open && el.open) el.close()
  }, [open])
  return (
    <dialog
      ref={ref} class='dialog' aria-labelledby={titleId} data-testid={testId}
      onCancel={(e) => { e.preventDefault(); onClose() }}
    >
      {open && (
        <>
          <div class='dialog__header'><h2 class='dialog__title' id={titleId}>{title}</h2></div>
          <div class='dialog__body'>{children}</div>
          {footer && <div class='dialog__footer'>{footer}</div>}
        </>
      )}
    </dialog>
  )
}

export interface ConfirmOptions {
  title: string
  /** What will happen, one line each (the consequences the merchant agrees to). */
  consequences?: string[]
  body?: ComponentChildren
  warning?: string
  confirmLabel: string
  danger?: boolean
}

type Pending = ConfirmOptions & { resolve: (ok: boolean) => void }
let show: ((p: Pending) => void) | null = null

/** Asks before a consequential action; resolves true when the merchant confirms. Needs <ConfirmHost/> mounted. */
export function confirmDialog (options: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    if (!show) { resolve(false); return }
    show({ ...options, resolve })
  })
}

export function ConfirmHost () {
  const [pending, setPending] = useState<Pending | null>(null)
  useEffect(() => { show = setPending; return () => { show = null } }, [])
  const answer = (ok: boolean) => { pending?.resolve(ok); setPending(null) }
  return (
    <Dialog
      open={pending !== null} title={pending?.title ?? ''} onClose={() => answer(false)} testId='confirm-dialog'
      footer={pending && (
        <>
          <Button onClick={() => answer(false)} data-testid='confirm-cancel'>{t('common.cancel')}</Button>
          <Button variant={pending.danger ? 'danger' : 'primary'} onClick={() => answer(true)} data-testid='confirm-ok'>{pending.confirmLabel}</Button>
        </>
      )}
    >
      {pending?.body && <div>{pending.body}</div>}
      {pending?.consequences && pending.consequences.length > 0 && (
        <ul class='dialog__list'>{pending.consequences.map((c) => <li key={c}>{c}</li>)}</ul>
      )}
      {pending?.warning && <div class='banner banner--warning' role='alert' data-testid='confirm-warning'>{pending.warning}</div>}
    </Dialog>
  )
}
