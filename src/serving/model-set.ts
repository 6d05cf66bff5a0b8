// Loads the three served models from the models folder into an immutable set. A reload builds a whole new set
// (reusing models whose files did not change) so a server can swap one reference atomically. The files are read
// and decoded in a worker thread; only the quick binding of stages happens on the caller's thread.
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { describeError, TrafficError } from '../errors.ts'
import { compileEvaluator, type ModelEvaluator } from './evaluator.ts'
import { inputColumnsOf, type ModelId, SERVED_MODELS, type ServedModel } from './model-catalog.ts'
import { checkPipelineData } from './model-checks.ts'
import { buildPipeline, type PipelineData, type PipelineModel } from './pipeline-model.ts'
import { readPipelinesInWorker } from './read-in-worker.ts'

export interface LoadedModel {
  dir: string
  uid: string
  sparkVersion: string
  /** When Spark saved it, if recorded. */
  savedAt: Date | undefined
  /** Stage classes in order, e.g. `org.apache.spark.ml.feature.StringIndexerModel`. */
  stages: string[]
  evaluator: ModelEvaluator
  loadedAt: Date
  /** Changes whenever the model is written again (new metadata file). */
  fingerprint: string
}

export interface ModelSlot {
  spec: ServedModel
  /** The model in service, or null while none could be loaded. */
  model: LoadedModel | null
  /**
   * Why the latest load failed (a previous model may still be in service), or null. Fit for clients: paths are
   * relative to the models folder and unexpected failures are not described.
   */
  error: string | null
  /** The whole story of the failure, for the server's log only. */
  detail: string | null
}

export type ModelSet = ReadonlyMap<ModelId, ModelSlot>

async function fingerprintOf(dir: string): Promise<string | null> {
  try {
    const folder = path.join(dir, 'metadata')
    const part = (await readdir(folder)).filter((name) => name.startsWith('part-')).sort()[0]
    if (!part) return null
    const info = await stat(path.join(folder, part))
    return `${part}:${info.ino}:${info.mtimeMs}:${info.size}`
  } catch {
    return null
  }
}

function checkTask(spec: ServedModel, pipeline: PipelineModel, evaluator: ModelEvaluator): void {
  const wrongTask = evaluator.task !== spec.task
  const wrongClasses = spec.task === 'classification' && evaluator.numClasses !== 2
  if (wrongTask || wrongClasses) {
    const got =
      evaluator.task === 'classification' ? `a ${evaluator.numClasses}-class classifier` : 'a regression'
    const want = spec.task === 'classification' ? 'a 2-class classifier (0/1)' : 'a regression'
    throw new TrafficError('MODEL_UNSUPPORTED', `${pipeline.dir} is ${got}; ${spec.target} needs ${want}`)
  }
}

function loadModel(spec: ServedModel, data: PipelineData, fingerprint: string): LoadedModel {
  checkPipelineData(data)
  const pipeline = buildPipeline(data)
  const evaluator = compileEvaluator(pipeline, inputColumnsOf(spec))
  checkTask(spec, pipeline, evaluator)
  return {
    dir: data.dir,
    uid: pipeline.uid,
    sparkVersion: pipeline.sparkVersion,
    savedAt: pipeline.timestamp === undefined ? undefined : new Date(pipeline.timestamp),
    stages: pipeline.stages.map((stage) => stage.className),
    evaluator,
    loadedAt: new Date(),
    fingerprint,
  }
}

const EXPLAINED: ReadonlySet<string> = new Set(['MODEL_NOT_FOUND', 'MODEL_UNSUPPORTED'])

function failedSlot(
  spec: ServedModel,
  model: LoadedModel | null,
  error: unknown,
  modelsDir: string,
): ModelSlot {
  const detail = describeError(error)
  const explained = error instanceof TrafficError && EXPLAINED.has(error.code)
  const shown = explained
    ? detail.replaceAll(`${modelsDir}${path.sep}`, '').replaceAll(modelsDir, 'the models folder')
    : `${spec.folder} could not be read; the API's log has the details`
  return { spec, model, error: shown, detail }
}

/**
 * Loads every served model. A model whose folder is gone is unloaded; one that fails to load keeps the previous
 * version in service (if any) and reports the error; an unchanged one is reused as is.
 */
export async function loadModelSet(modelsDir: string, previous?: ModelSet): Promise<ModelSet> {
  const found = await Promise.all(
    SERVED_MODELS.map(async (spec) => {
      const dir = path.join(modelsDir, spec.folder)
      return {
        spec,
        dir,
        before: previous?.get(spec.id)?.model ?? null,
        fingerprint: await fingerprintOf(dir),
      }
    }),
  )
  const changed = found.filter(
    ({ dir, before, fingerprint }) =>
      fingerprint !== null && !(before?.dir === dir && before.fingerprint === fingerprint),
  )
  let read: (PipelineData | TrafficError)[]
  try {
    read = await readPipelinesInWorker(changed.map(({ dir }) => dir))
  } catch (error) {
    read = changed.map(() => new TrafficError('IO_ERROR', describeError(error)))
  }
  const slots = found.map(({ spec, dir, before, fingerprint }): [ModelId, ModelSlot] => {
    if (fingerprint === null) {
      const missing = new TrafficError('MODEL_NOT_FOUND', `no saved model in ${dir}`)
      return [spec.id, failedSlot(spec, null, missing, modelsDir)]
    }
    const index = changed.findIndex((entry) => entry.spec === spec)
    if (index < 0) return [spec.id, { spec, model: before, error: null, detail: null }]
    try {
      const data = read[index]
      if (data instanceof TrafficError) throw data
      const model = loadModel(spec, data as PipelineData, fingerprint)
      return [spec.id, { spec, model, error: null, detail: null }]
    } catch (error) {
      return [spec.id, failedSlot(spec, before, error, modelsDir)]
    }
  })
  return new Map(slots)
}
