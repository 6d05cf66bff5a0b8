import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { watchFolder } from '../../../src/api/services/folder-watcher.ts'

const root = mkdtempSync(path.join(tmpdir(), 'folder-watcher-'))
after(() => rmSync(root, { recursive: true, force: true }))

/** Counts callbacks; `next()` resolves at the next one, so a test waits on the callback itself. */
function counter() {
  let calls = 0
  let waiting: (() => void)[] = []
  return {
    onChange: () => {
      calls++
      for (const resolve of waiting) resolve()
      waiting = []
    },
    get calls() {
      return calls
    },
    next: () => new Promise<void>((resolve) => waiting.push(resolve)),
  }
}

/** Long enough for a callback that should not come to have come (several debounce periods). */
const nothingMore = (debounceMs: number) => sleep(debounceMs * 4)

test('a burst of writes anywhere below the folder gives one callback after it goes quiet', async () => {
  const dir = path.join(root, 'burst')
  mkdirSync(dir)
  const seen = counter()
  const watcher = watchFolder(dir, seen.onChange, 100)
  try {
    mkdirSync(path.join(dir, 'model', 'stages', '0_x'), { recursive: true })
    for (let i = 0; i < 20; i++) writeFileSync(path.join(dir, 'model', 'stages', '0_x', `part-${i}`), 'x')
    await sleep(40)
    renameSync(path.join(dir, 'model'), path.join(dir, 'model2'))
    await seen.next()
    assert.equal(seen.calls, 1)
    writeFileSync(path.join(dir, 'report.json'), '{}')
    await seen.next()
    assert.equal(seen.calls, 2, 'the burst gave one callback, the later write one more')
  } finally {
    watcher.close()
  }
})

test('a folder that does not exist yet is noticed when created, then watched deeply', async () => {
  const dir = path.join(root, 'later')
  const seen = counter()
  const watcher = watchFolder(dir, seen.onChange, 50)
  try {
    await sleep(50)
    mkdirSync(dir)
    await seen.next()
    assert.equal(seen.calls, 1)
    mkdirSync(path.join(dir, 'deep'))
    writeFileSync(path.join(dir, 'deep', 'file'), 'x')
    await seen.next()
    assert.equal(seen.calls, 2)
  } finally {
    watcher.close()
  }
})

test('a folder deleted and created again is still followed', async () => {
  const dir = path.join(root, 'again')
  mkdirSync(dir)
  const seen = counter()
  const watcher = watchFolder(dir, seen.onChange, 50)
  try {
    rmSync(dir, { recursive: true })
    await seen.next()
    mkdirSync(dir)
    await seen.next()
    const afterCreate = seen.calls
    writeFileSync(path.join(dir, 'file'), 'x')
    await seen.next()
    assert.equal(seen.calls, afterCreate + 1, 'a write in the new folder is noticed')
  } finally {
    watcher.close()
  }
})

test('close stops callbacks, including one still waiting for quiet', async () => {
  const dir = path.join(root, 'closed')
  mkdirSync(dir)
  const seen = counter()
  const watcher = watchFolder(dir, seen.onChange, 100)
  writeFileSync(path.join(dir, 'file'), 'x')
  await sleep(30)
  watcher.close()
  await nothingMore(100)
  assert.equal(seen.calls, 0)
})

test('a link switched to another folder by a rename (how models are published) is noticed, then followed', async () => {
  const parent = path.join(root, 'linked')
  mkdirSync(path.join(parent, 'versions', 'v1'), { recursive: true })
  mkdirSync(path.join(parent, 'versions', 'v2'))
  const dir = path.join(parent, 'models')
  symlinkSync(path.join('versions', 'v1'), dir)
  const seen = counter()
  const watcher = watchFolder(dir, seen.onChange, 50)
  try {
    symlinkSync(path.join('versions', 'v2'), path.join(parent, '.models.link'))
    renameSync(path.join(parent, '.models.link'), dir)
    await seen.next()
    assert.equal(seen.calls, 1)
    writeFileSync(path.join(parent, 'versions', 'v1', 'file'), 'x')
    await nothingMore(50)
    assert.equal(seen.calls, 1, 'the previous version is no longer watched')
    writeFileSync(path.join(parent, 'versions', 'v2', 'file'), 'x')
    await seen.next()
    assert.equal(seen.calls, 2)
  } finally {
    watcher.close()
  }
})
