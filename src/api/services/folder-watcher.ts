// Calls back once a folder's contents have been quiet for `debounceMs` after a change anywhere below it. Follows
// the folder when it is deleted and created again, or when it is a link switched to another folder (how training
// publishes models), and waits for it to appear when it does not exist yet.
// Ours, not chokidar: chokidar 5 misses a watched folder re-created or a link renamed over it (tried; silent).
import { type FSWatcher, statSync, watch } from 'node:fs'
import path from 'node:path'

export interface FolderWatcher {
  close(): void
}

function inode(dir: string): number | null {
  try {
    return statSync(dir).ino
  } catch {
    return null
  }
}

export function watchFolder(dir: string, onChange: () => void, debounceMs: number): FolderWatcher {
  let watchers: FSWatcher[] = []
  let watchedInode: number | null = null
  let timer: NodeJS.Timeout | undefined

  const changed = (): void => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      // The folder was replaced, removed, created or switched since we armed: watch the right thing again.
      if (inode(dir) !== watchedInode) arm()
      onChange()
    }, debounceMs)
  }

  const close = (): void => {
    for (const watcher of watchers) watcher.close()
    watchers = []
  }

  /** The parent, for the folder's own name (created, removed, a link renamed over it); the folder, deeply. */
  function arm(): void {
    close()
    watchedInode = inode(dir)
    try {
      watchers.push(watch(path.dirname(dir), (_event, name) => name === path.basename(dir) && changed()))
      if (watchedInode !== null) watchers.push(watch(dir, { recursive: true }, changed))
    } catch {
      // Not even the parent exists; nothing to watch until someone creates it and reloads by hand.
    }
    for (const watcher of watchers) watcher.on('error', changed)
  }

  arm()
  return {
    close() {
      clearTimeout(timer)
      close()
    },
  }
}
