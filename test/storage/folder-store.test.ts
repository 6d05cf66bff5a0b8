import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
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

test('a swap guard left by a process that died inside it is broken, and the swap goes through', async () => {
  const store = new FolderStore(path.join(root, 'dead-guard'))
  await store.createIfAbsent('pointer', 'v1')
  const current = await store.get('pointer')
  assert.ok(current)
  // A guard naming this PID with another start time: a process that has exited, its PID reused.
  const guard = path.join(store.dir, 'pointer~guard')
  mkdirSync(guard)
  const holder = { pid: process.pid, started: 'another-process', host: hostname(), nonce: 'dead', since: 0 }
  writeFileSync(path.join(guard, 'holder.json'), JSON.stringify(holder))
  assert.equal(await store.replaceIf('pointer', 'v2', current.version), true)
  assert.equal((await store.get('pointer'))?.body.toString(), 'v2')
  assert.deepEqual(readdirSync(store.dir).sort(), ['pointer', 'pointer~guard-broken-dead'])
  assert.deepEqual(await store.list(), ['pointer'])
})
