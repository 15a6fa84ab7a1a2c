// Loads the current shop once and shares it with the top bar and the overview page.
import { createContext } from 'preact'
import type { ComponentChildren } from 'preact'
import { useCallback, useContext, useEffect, useState } from 'preact/hooks'
import { api, ApiError } from './api.ts'

export interface Shop {
  orgid: string
  name: string
  domain: string
  sandbox: boolean
}

export type ShopState =
  | { status: 'loading' }
  | { status: 'ready', shop: Shop }
  | { status: 'error', error: ApiError }

interface ShopContextValue {
  state: ShopState
  reload: () => void
}

const ShopContext = createContext<ShopContextValue>({ state: { status: 'loading' }, reload: () => {} })

export function ShopProvider ({ children }: { children: ComponentChildren }) {
  const [state, setState] = useState<ShopState>({ status: 'loading' })
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    let current = true
    setState({ status: 'loading' })
    api<Shop>('/api/shop')
      .then((shop) => { if (current) setState({ status: 'ready', shop }) })
      .catch((error: unknown) => {
        const apiError = error instanceof ApiError ? error : new ApiError(0, String(error))
        if (current) setState({ status: 'error', error: apiError })
      })
    // A retry started before this one answered must not overwrite the newer answer.
    return () => { current = false }
  }, [attempt])

  const reload = useCallback(() => setAttempt((n) => n + 1), [])
  return <ShopContext.Provider value={{ state, reload }}>{children}</ShopContext.Provider>
}

export function useShop (): ShopContextValue {
  return useContext(ShopContext)
}
