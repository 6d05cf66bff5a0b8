// A saved version of the models, read back into the Spark server: each model's PipelineModel stage by stage (the
// stages and their folders as its report.json names them; Pipeline is not a server-side operator over Spark
// Connect), applied to rows and scored with the evaluators training used, so a version trained earlier and one
// trained now are measured alike on the same rows.
import { ANALYTICS_FILE, REPORT_FILE } from '../contract/models.ts'
import { type FeatureBins, storedFeatureBins } from '../drift.ts'
import { TrafficError } from '../errors.ts'
import { VECTOR_ASSEMBLER_CLASS } from '../serving/stages/vector-assembler.ts'
import type { DataFrame, ModelRef, OperatorSpec, SparkSession } from '../spark/index.ts'
import { evaluateModel, type Metrics } from '../training/evaluate.ts'
import { MODEL_SPECS, type ModelName, type ModelSpec } from '../training/model-specs.ts'
import type { PublishedModels } from '../training/models-publisher.ts'
import type { TrainingReport } from '../training/report.ts'
import type { ServerState } from '../training/server-state.ts'

export interface SavedVersion {
  id: string
  /** The version's folder or `s3a://` prefix as Spark names it. */
  sparkDir: string
  report: TrainingReport
  /** The bins of its training rows' features (analytics.json), which data drift compares with. */
  bins: FeatureBins[]
}

async function jsonFile(models: PublishedModels, id: string, name: string): Promise<unknown> {
  const body = await models.readVersionFile(id, name)
  if (!body) {
    throw new TrafficError('MODEL_NOT_FOUND', `Version ${id} in ${models.location} has no ${name}`, {
      hint: 'train again: continuous training compares with versions trained by `traffic train`',
    })
  }
  return JSON.parse(body.toString('utf8'))
}

/** Version `id` of `models`, as far as reading it back into Spark needs. */
export async function readSavedVersion(models: PublishedModels, id: string): Promise<SavedVersion> {
  const report = (await jsonFile(models, id, REPORT_FILE)) as TrainingReport
  const bins = storedFeatureBins(await jsonFile(models, id, ANALYTICS_FILE)) ?? []
  return { id, sparkDir: models.sparkDirOf(id), report, bins }
}

/** The model's fitted stages, read by the server (models stay in its ML cache, held by `state`). */
async function loadStages(
  spark: SparkSession,
  state: ServerState,
  version: SavedVersion,
  model: ModelSpec,
): Promise<(ModelRef | OperatorSpec)[]> {
  const stages: (ModelRef | OperatorSpec)[] = []
  for (const stage of version.report.models[model.name].pipeline.stages) {
    const dir = `${version.sparkDir}/${model.name}/${stage.folder}`
    // The assembler is a plain transformer: the server reads its params, there is no model to cache.
    if (stage.class === VECTOR_ASSEMBLER_CLASS) {
      const read = await spark.ml.read(stage.class, dir, 'transformer')
      stages.push({ className: stage.class, uid: read.uid, params: read.params as OperatorSpec['params'] })
    } else {
      const { ref } = await spark.ml.read(stage.class, dir, 'model')
      if (!ref) throw new TrafficError('SPARK_ERROR', `Spark read no model from ${dir}`)
      state.holdModel(ref)
      stages.push(ref)
    }
  }
  return stages
}

/** Each model of `version` scored on its rows (`rowsOf(model)`), with the held-out evaluators of training. */
export async function evaluateVersion(
  spark: SparkSession,
  state: ServerState,
  version: SavedVersion,
  rowsOf: (model: ModelSpec) => DataFrame,
): Promise<Record<ModelName, Metrics>> {
  const scored = await evaluateVersionOn(spark, state, version, (model) => ({ rows: rowsOf(model) }))
  return scored.rows as Record<ModelName, Metrics>
}

/**
 * Each model of `version` scored on each of its sets of rows (`setsOf(model)`, by name; every model has the same
 * names), its stages read once for all of them.
 */
export async function evaluateVersionOn(
  spark: SparkSession,
  state: ServerState,
  version: SavedVersion,
  setsOf: (model: ModelSpec) => Record<string, DataFrame>,
): Promise<Record<string, Record<ModelName, Metrics>>> {
  const scored: Record<string, Record<string, Metrics>> = {}
  for (const model of MODEL_SPECS) {
    const stages = await loadStages(spark, state, version, model)
    for (const [set, rows] of Object.entries(setsOf(model))) {
      const predictions = stages.reduce<DataFrame>((input, stage) => spark.ml.transform(stage, input), rows)
      scored[set] = { ...scored[set], [model.name]: await evaluateModel(spark, model, predictions) }
    }
    await state.releaseModels(stages.filter((stage): stage is ModelRef => 'id' in stage))
  }
  return scored as Record<string, Record<ModelName, Metrics>>
}
