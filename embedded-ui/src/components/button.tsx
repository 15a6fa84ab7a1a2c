// Buttons of the admin: primary, secondary, danger, plain; visibly disabled; busy shows a spinner and blocks clicks.
import type { ComponentChildren, JSX } from 'preact'

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'plain' | 'plain-danger'

type Props = Omit<JSX.ButtonHTMLAttributes<HTMLButtonElement>, 'class' | 'size' | 'type' | 'disabled'> & {
  variant?: ButtonVariant
  slim?: boolean
  busy?: boolean
  disabled?: boolean
  type?: 'button' | 'submit'
  children: ComponentChildren
}

export function buttonClass (variant: ButtonVariant = 'secondary', slim = false): string {
  const v = variant === 'plain-danger' ? 'btn--plain btn--danger-text' : `btn--${variant}`
  return `btn ${v}${slim ? ' btn--slim' : ''}`
}

export function Button ({ variant = 'secondary', slim = false, busy = false, disabled = false, type = 'button', children, ...rest }: Props) {
  return (
    <button {...rest} type={type} class={buttonClass(variant, slim)} disabled={disabled || busy} aria-busy={busy || undefined}>
      {busy && <span class='spinner' aria-hidden='true' />}
      {children}
    </button>
  )
}
