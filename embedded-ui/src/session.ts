// The admin session token: taken from the launch URL fragment, kept in memory and in sessionStorage.
import { useEffect, useState } from 'preact/hooks'
import { sessionStore } from './storage.ts'

export type SessionStatus = 'active' | 'missing' | 'expired'

/** `generation` grows each time a new token is adopted, so the UI can start over for it. */
export interface SessionState {
  status: SessionStatus
  generation: number
}

const TOKEN_STORAGE_KEY = 'tichdiem.sessionToken'
const listeners = new Set<(state: SessionState) => void>()

let currentToken: string | null = null
let currentState: SessionState = { status: 'missing', generation: 0 }

/**
 * Reads `#token=…` from the URL (the server's launch redirect puts it there because fragments are
 * never sent to servers or written to logs), then strips it so it does not linger in history or
 * get copied along with the address. Without a fragment, a token saved by an earlier load of this
 * tab is reused, so a reload inside the iframe keeps working.
 */
export function startSession (): SessionStatus {
  const fromFragment = takeTokenFromFragment()
  if (fromFragment) sessionStore.set(TOKEN_STORAGE_KEY, fromFragment)
  currentToken = fromFragment ?? sessionStore.get(TOKEN_STORAGE_KEY)
  currentState = { status: currentToken ? 'active' : 'missing', generation: 0 }
  // A relaunch may only change the fragment of an already open page, which does not reload it.
  window.addEventListener('hashchange', adoptTokenFromFragment)
  return currentState.status
}

function adoptTokenFromFragment (): void {
  const token = takeTokenFromFragment()
  if (!token || token === currentToken) return
  sessionStore.set(TOKEN_STORAGE_KEY, token)
  currentToken = token
  publish({ status: 'active', generation: currentState.generation + 1 })
}

function publish (state: SessionState): void {
  currentState = state
  for (const listener of listeners) listener(state)
}

function takeTokenFromFragment (): string | null {
  const fragment = new URLSearchParams(window.location.hash.slice(1))
  if (!fragment.has('token')) return null
  const token = fragment.get('token')
  fragment.delete('token')
  const rest = fragment.toString()
  const cleanUrl = window.location.pathname + window.location.search + (rest ? `#${rest}` : '')
  window.history.replaceState(window.history.state, '', cleanUrl)
  return token || null
}

export function getSessionToken (): string | null {
  return currentToken
}

/** Called when the server answers 401: the token is useless now, so forget it everywhere. */
export function expireSession (): void {
  currentToken = null
  sessionStore.remove(TOKEN_STORAGE_KEY)
  if (currentState.status !== 'expired') publish({ ...currentState, status: 'expired' })
}

export function useSession (): SessionState {
  const [state, setState] = useState(currentState)
  useEffect(() => {
    setState(currentState)
    listeners.add(setState)
    return () => { listeners.delete(setState) }
  }, [])
  return state
}
