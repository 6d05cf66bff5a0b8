import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after } from 'node:test'
import { FolderStore } from '../../src/storage/folder-store.ts'
import { storeContract } from './store-contract.ts'

const root = mkdtempSync(path.join(tmpdir(), 'folder-store-'))
after(() => rmSync(root, { recursive: true, force: true }))
let stores = 0

storeContract('folder', {
  open: async () => new FolderStore(path.join(root, `store-${++stores}`)),
  failures: async () => {
    const file = path.join(root, 'a-file')
    writeFileSync(file, '')
    return [
      {
        what: 'a file, not a folder',
        store: new FolderStore(file),
        message: new RegExp(`folder ${file} failed`),
      },
    ]
  },
})
