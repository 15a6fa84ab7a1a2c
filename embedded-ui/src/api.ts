// Fetch wrapper for the admin API: adds the session token, parses JSON, turns failures into ApiError.
import { expireSession, getSessionToken } from './session.ts'

/** The server's error body: `{ statusCode, error, message, reqId }` (plus `issues` on 400). */
interface ServerErrorBody {
  statusCode?: number
  error?: string
  message?: string
  reqId?: string
  issues?: unknown
}

export class ApiError extends Error {
  readonly statusCode: number
  readonly error: string | undefined
  readonly reqId: string | undefined
  readonly issues: unknown

  constructor (statusCode: number, message: string, body: ServerErrorBody = {}) {
    super(message)
    this.name = 'ApiError'
    this.statusCode = statusCode
    this.error = body.error
    this.reqId = body.reqId
    this.issues = body.issues
  }
}

/** Calls the admin API, e.g. `api<Shop>('/api/shop')`. Status 0 means the request never got an answer. */
export async function api<T> (path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers)
  headers.set('Accept', 'application/json')
  const token = getSessionToken()
  if (token) headers.set('Authorization', `Bearer ${token}`)
  // FormData sets its own multipart boundary; only plain string bodies are JSON.
  if (typeof init.body === 'string' && !headers.has('Content-Type')) {
    headers.set('Content-Type', 'application/json')
  }

  let response: Response
  try {
    response = await fetch(path, { ...init, headers })
  } catch (cause) {
    throw new ApiError(0, cause instanceof Error ? cause.message : String(cause))
  }

  const body = await readJson(response)
  if (!response.ok) {
    const errorBody: ServerErrorBody = isObject(body) ? body : {}
    if (response.status === 401) expireSession()
    throw new ApiError(
      typeof errorBody.statusCode === 'number' ? errorBody.statusCode : response.status,
      errorBody.message ?? (response.statusText || `HTTP ${response.status}`),
      errorBody
    )
  }
  return body as T
}

async function readJson (response: Response): Promise<unknown> {
  if (response.status === 204) return undefined
  const text = await response.text()
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    if (!response.ok) return undefined
    throw new ApiError(response.status, 'The server answered with something that is not JSON.')
  }
}

function isObject (value: unknown): value is ServerErrorBody {
  return typeof value === 'object' && value !== null
}

/**
 * Saves a file from the admin API: through fetch, so the Bearer token is sent (a plain link could not carry it),
 * under the server's Content-Disposition name or the fallback.
 */
export async function downloadFile (path: string, fallbackName: string): Promise<void> {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${getSessionToken() ?? ''}` } })
  if (!response.ok) throw new ApiError(response.status, response.statusText)
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName
  const url = URL.createObjectURL(await response.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
