// The models publishing contract on a local folder (the models path a link switched between version folders).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after } from 'node:test'
import { modelsSource } from '../../src/api/services/models-source.ts'
import { folderModels } from '../../src/training/models-folder.ts'
import { publishContract } from './models-publish-contract.ts'

const root = mkdtempSync(path.join(tmpdir(), 'models-publish-'))
after(() => rmSync(root, { recursive: true, force: true }))
let opened = 0

publishContract('folder', {
  open: async () => folderModels(path.join(root, `${++opened}`, 'spark_models_traffic')),
  reader: (models) => modelsSource(models.location, undefined),
})
