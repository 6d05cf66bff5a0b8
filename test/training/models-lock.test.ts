import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { isTrafficError } from '../../src/errors.ts'
import { createStaging, currentVersion, folderModels, publish } from '../../src/training/models-folder.ts'
import { lockModels } from '../../src/training/models-lock.ts'
import { withModelsLock } from '../../src/training/models-publisher.ts'

const root = mkdtempSync(path.join(tmpdir(), 'models-lock-'))
after(() => rmSync(root, { recursive: true, force: true }))

async function publishReport(models: string, text: string): Promise<void> {
  const staging = await createStaging(models)
  await mkdir(staging, { recursive: true })
  await writeFile(path.join(staging, 'report.json'), text)
  assert.ok(await publish(staging, models, await currentVersion(models)))
}

test('removing the models (as --fresh does) keeps the lock its caller holds, so no train slips in meanwhile', async () => {
  const models = path.join(root, 'fresh', 'spark_models_traffic')
  await publishReport(models, '1')
  await withModelsLock(folderModels(models), async () => {
    await folderModels(models).remove()
    assert.equal(existsSync(models), false)
    await assert.rejects(lockModels(models), (error) => isTrafficError(error, 'TRAINING_RUNNING'))
  })
  const lock = await lockModels(models)
  await lock.release()
})

test('removing the models under the lock is refused while another run holds it, and the models stay', async () => {
  const models = path.join(root, 'held', 'spark_models_traffic')
  await publishReport(models, '1')
  const other = await lockModels(models)
  try {
    await assert.rejects(
      withModelsLock(folderModels(models), () => folderModels(models).remove()),
      (error) => isTrafficError(error, 'TRAINING_RUNNING'),
    )
    assert.equal(readFileSync(path.join(models, 'report.json'), 'utf8'), '1')
  } finally {
    await other.release()
  }
})

test('a released lock is taken again, and a lock of this process is refused to a second taker', async () => {
  const models = path.join(root, 'reuse', 'spark_models_traffic')
  for (let run = 0; run < 3; run++) {
    const lock = await lockModels(models)
    await assert.rejects(lockModels(models), /Another `traffic train` \(pid \d+ on /)
    await lock.release()
  }
})
