// The admin frame: sidebar on the left, top bar above the current page; hosts the confirm dialog and toasts.
import type { ComponentChildren } from 'preact'
import { Sidebar } from './sidebar.tsx'
import { TopBar } from './top-bar.tsx'
import { ConfirmHost } from './dialog.tsx'
import { ToastHost } from './toast.tsx'

export function Layout ({ children }: { children: ComponentChildren }) {
  return (
    <div class='layout'>
      <Sidebar />
      <div class='layout__main'>
        <TopBar />
        <main class='page'>{children}</main>
      </div>
      <ConfirmHost />
      <ToastHost />
    </div>
  )
}
