// Web Storage that never throws: inside the Haravan iframe the browser may partition or block it.
export interface SafeStorage {
  get (key: string): string | null
  set (key: string, value: string): void
  remove (key: string): void
}

type StorageKind = 'localStorage' | 'sessionStorage'

export function createSafeStorage (kind: StorageKind): SafeStorage {
  // Kept alongside the real storage so the current page still behaves when writes are refused.
  const memory = new Map<string, string>()

  function real (): Storage | null {
    try {
      // Merely reading window.localStorage throws a SecurityError when third-party storage is blocked.
      return window[kind]
    } catch {
      return null
    }
  }

  return {
    get (key) {
      // What this page wrote wins, even if the real storage refused the write.
      const remembered = memory.get(key)
      if (remembered !== undefined) return remembered
      try {
        return real()?.getItem(key) ?? null
      } catch {
        return null
      }
    },
    set (key, value) {
      memory.set(key, value)
      try {
        real()?.setItem(key, value)
      } catch {}
    },
    remove (key) {
      memory.delete(key)
      try {
        real()?.removeItem(key)
      } catch {}
    },
  }
}

export const localStore = createSafeStorage('localStorage')
export const sessionStore = createSafeStorage('sessionStorage')
