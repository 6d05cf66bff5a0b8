import assert from 'node:assert/strict'
import { access, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import { DIST_DIR, ensureWebBuild, staleReason } from '../../src/ui/build.ts'

const STAMP = path.join(DIST_DIR, '.build-stamp.json')

test('the web app is built once, then reused until a file it was built from changes', async () => {
  await ensureWebBuild()
  await access(path.join(DIST_DIR, 'index.html'))
  assert.equal(await staleReason(), undefined)
  assert.deepEqual(await ensureWebBuild(), { built: false })

  const original = await readFile(STAMP, 'utf8')
  const stamp = JSON.parse(original) as { files: Record<string, string> }
  // The build records the app's own modules and the shared ones it imports from src/.
  for (const file of [
    'web/src/main.tsx',
    'web/index.html',
    'src/schema/columns.ts',
    'src/serving/model-catalog.ts',
  ]) {
    assert.ok(stamp.files[file], `${file} is recorded`)
  }
  assert.ok(!Object.keys(stamp.files).some((file) => file.includes('node_modules')))
  try {
    await writeFile(STAMP, JSON.stringify({ files: { ...stamp.files, 'web/src/main.tsx': 'not its hash' } }))
    assert.equal(await staleReason(), 'web/src/main.tsx changed')
  } finally {
    await writeFile(STAMP, original)
  }
})
