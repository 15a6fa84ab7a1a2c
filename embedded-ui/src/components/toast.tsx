// Short-lived confirmations ("Đã lưu") announced politely to screen readers; errors stay until closed.
import { useEffect, useState } from 'preact/hooks'
import { t } from '../i18n.ts'

interface Item { id: number, message: string, tone: 'default' | 'critical' }
let push: ((item: Item) => void) | null = null
let nextId = 1

export function toast (message: string, tone: Item['tone'] = 'default'): void {
  push?.({ id: nextId++, message, tone })
}

export function ToastHost () {
  const [items, setItems] = useState<Item[]>([])
  const dismiss = (id: number) => setItems((list) => list.filter((x) => x.id !== id))
  useEffect(() => {
    push = (item) => {
      setItems((list) => [...list.slice(-2), item])
      if (item.tone === 'default') setTimeout(() => dismiss(item.id), 5000)
    }
    return () => { push = null }
  }, [])
  return (
    <div class='toasts' aria-live='polite' role='status'>
      {items.map((x) => (
        <div key={x.id} class={x.tone === 'critical' ? 'toast toast--critical' : 'toast'} data-testid='toast'>
          <span>{x.message}</span>
          <button type='button' class='toast__close' aria-label={t('common.close')} onClick={() => dismiss(x.id)}>×</button>
        </div>
      ))}
    </div>
  )
}
