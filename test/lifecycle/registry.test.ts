// The model registry's contract on a local folder (the versions folder beside the models link).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after } from 'node:test'
import { folderModels } from '../../src/training/models-folder.ts'
import { registryContract } from './registry-contract.ts'

const root = mkdtempSync(path.join(tmpdir(), 'registry-'))
after(() => rmSync(root, { recursive: true, force: true }))
let opened = 0

registryContract('folder', {
  open: async () => folderModels(path.join(root, `${++opened}`, 'spark_models_traffic')),
})
