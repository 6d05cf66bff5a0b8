import assert from 'node:assert/strict'
import { access, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import { DIST_DIR, ensureWebBuild, staleReason } from '../../src/ui/build.ts'

const STAMP = path.join(DIST_DIR, '.build-stamp.json')
const PROJECT_DIR = path.resolve(import.meta.dirname, '../..')

/** Every module the built bundle holds (project-relative), from the source maps the build writes. */
async function bundledModules(): Promise<string[]> {
  const assets = path.join(DIST_DIR, 'assets')
  const maps = (await readdir(assets)).filter((file) => file.endsWith('.js.map'))
  assert.ok(maps.length > 0, 'the build writes source maps')
  const sources = await Promise.all(
    maps.map(
      async (map) =>
        (JSON.parse(await readFile(path.join(assets, map), 'utf8')) as { sources: string[] }).sources,
    ),
  )
  return sources.flat().map((source) => path.relative(PROJECT_DIR, path.resolve(assets, source)))
}

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
    'src/contract/columns.ts',
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

test('the browser bundle holds no server code: only plain data and pure rules are shared with the API', async () => {
  await ensureWebBuild()
  const modules = await bundledModules()
  const serverCode = modules.filter((module) =>
    /node_modules\/(@sinclair\/typebox|fastify|@fastify)\/|^src\/api\/(schemas|live-schemas)\.ts$/.test(
      module,
    ),
  )
  assert.deepEqual(serverCode, [])
  // The shared modules are there, so the check above sees what the app imports from src/.
  for (const shared of [
    'src/api/endpoints.ts',
    'src/api/seed-examples.ts',
    'src/api/services/live-retention.ts',
    'src/contract/columns.ts',
  ]) {
    assert.ok(modules.includes(shared), `${shared} is bundled`)
  }
})
