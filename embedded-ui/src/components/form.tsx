// Form controls with their label, hint and error: TextField, NumberField, DateField, TextArea, Select, Checkbox, Toggle, Field.
import type { ComponentChildren, JSX } from 'preact'
import { useId } from 'preact/hooks'

interface FieldProps {
  label: ComponentChildren
  hint?: ComponentChildren
  error?: string | null
  /** The id of the control the label is for; the control gets aria-describedby from Field's ids. */
  id: string
  inline?: boolean
  children: ComponentChildren
  hideLabel?: boolean
}

/** Label + control + hint + error, wired for screen readers. */
export function Field ({ label, hint, error, id, inline = false, hideLabel = false, children }: FieldProps) {
  return (
    <div class={inline ? 'field field--inline' : 'field'}>
      <label class={hideLabel ? 'visually-hidden' : 'field__label'} for={id}>{label}</label>
      {children}
      {hint && <span class='field__hint' id={`${id}-hint`}>{hint}</span>}
      {error && <span class='field__error' id={`${id}-error`} role='alert'>{error}</span>}
    </div>
  )
}

function describedBy (id: string, hint: unknown, error: unknown): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean)
  return ids.length ? ids.join(' ') : undefined
}

type InputProps = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'label' | 'value' | 'onChange' | 'size' | 'type' | 'width'> & {
  label: ComponentChildren
  hint?: ComponentChildren
  error?: string | null
  value: string | number
  onValue: (value: string) => void
  width?: 'narrow' | 'medium' | 'full'
  inline?: boolean
  hideLabel?: boolean
}

function BaseInput ({ label, hint, error, value, onValue, width = 'full', inline, hideLabel, type, id: givenId, ...rest }: InputProps & { type: string }) {
  const auto = useId()
  const id = (givenId as string | undefined) ?? auto
  const cls = `input${type === 'number' ? ' input--num' : ''}${width === 'full' ? '' : ` input--${width}`}`
  return (
    <Field label={label} hint={hint} error={error} id={id} inline={inline} hideLabel={hideLabel}>
      <input
        {...rest} id={id} type={type} class={cls} value={value}
        aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
    </Field>
  )
}

export const TextField = (p: InputProps & { type?: 'text' | 'search' | 'email' | 'password' | 'tel' }) => <BaseInput {...p} type={p.type ?? 'text'} />
export const NumberField = (p: InputProps) => <BaseInput step={1} {...p} type='number' />
export const DateField = (p: InputProps) => <BaseInput {...p} type='date' />

type TextAreaProps = Omit<JSX.TextareaHTMLAttributes<HTMLTextAreaElement>, 'label' | 'value' | 'onChange'> & {
  label: ComponentChildren
  hint?: ComponentChildren
  error?: string | null
  value: string
  onValue: (value: string) => void
}

export function TextArea ({ label, hint, error, value, onValue, id: givenId, rows = 4, ...rest }: TextAreaProps) {
  const auto = useId()
  const id = (givenId as string | undefined) ?? auto
  return (
    <Field label={label} hint={hint} error={error} id={id}>
      <textarea
        {...rest} id={id} rows={rows} class='input textarea' value={value}
        aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
    </Field>
  )
}

export interface Option { value: string, label: string, disabled?: boolean }

type SelectProps = Omit<JSX.SelectHTMLAttributes<HTMLSelectElement>, 'label' | 'value' | 'onChange' | 'size'> & {
  label: ComponentChildren
  hint?: ComponentChildren
  error?: string | null
  value: string
  options: Option[]
  onValue: (value: string) => void
  inline?: boolean
  hideLabel?: boolean
  placeholder?: string
}

export function Select ({ label, hint, error, value, options, onValue, inline, hideLabel, placeholder, id: givenId, ...rest }: SelectProps) {
  const auto = useId()
  const id = (givenId as string | undefined) ?? auto
  return (
    <Field label={label} hint={hint} error={error} id={id} inline={inline} hideLabel={hideLabel}>
      <select
        {...rest} id={id} class='select' value={value}
        aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)}
        onChange={(e) => onValue(e.currentTarget.value)}
      >
        {placeholder !== undefined && <option value='' disabled={value !== ''}>{placeholder}</option>}
        {options.map((o) => <option key={o.value} value={o.value} disabled={o.disabled}>{o.label}</option>)}
      </select>
    </Field>
  )
}

type CheckProps = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'label' | 'checked' | 'onChange'> & {
  label: ComponentChildren
  checked: boolean
  onValue: (checked: boolean) => void
  hint?: ComponentChildren
}

export function Checkbox ({ label, checked, onValue, hint, ...rest }: CheckProps) {
  return (
    <label class='check'>
      <input {...rest} type='checkbox' checked={checked} onChange={(e) => onValue(e.currentTarget.checked)} />
      <span>{label}{hint && <span class='field__hint' style={{ display: 'block' }}>{hint}</span>}</span>
    </label>
  )
}

/** An on/off switch (role=switch) for settings that take effect when saved. */
export function Toggle ({ label, checked, onValue, hint, ...rest }: CheckProps) {
  return (
    <label class='toggle'>
      <input {...rest} type='checkbox' role='switch' checked={checked} onChange={(e) => onValue(e.currentTarget.checked)} />
      <span class='toggle__track' aria-hidden='true' />
      <span>{label}{hint && <span class='field__hint' style={{ display: 'block' }}>{hint}</span>}</span>
    </label>
  )
}
