// Calls back once a folder's contents have been quiet for `debounceMs` after a change anywhere below it. Follows
// the folder when it is deleted and created again, and waits for it to appear when it does not exist yet.
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
  let watcher: FSWatcher | undefined
  let watchedInode: number | null = null
  let timer: NodeJS.Timeout | undefined

  const changed = (): void => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      // The folder was replaced, removed or created since we armed: watch the right thing again.
      if (inode(dir) !== watchedInode) arm()
      onChange()
    }, debounceMs)
  }

  function arm(): void {
    watcher?.close()
    watchedInode = inode(dir)
    try {
      watcher =
        watchedInode === null
          ? watch(path.dirname(dir), (_event, name) => name === path.basename(dir) && changed())
          : watch(dir, { recursive: true }, changed)
      watcher.on('error', changed)
    } catch {
      // Not even the parent exists; nothing to watch until someone creates it and reloads by hand.
      watcher = undefined
    }
  }

  arm()
  return {
    close() {
      clearTimeout(timer)
      watcher?.close()
    },
  }
}
