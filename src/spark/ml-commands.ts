// Pure builders of Spark Connect ML messages (MlCommand and the ml_relation transform), Spark 4.2 protos.
// Operators are named by their JVM class and must be listed in mllib's META-INF/services
// (org.apache.spark.ml.Estimator / Transformer / evaluation.Evaluator) to be allowed by the server.
import { randomBytes } from 'node:crypto'
import { type MlParamValues, mlParams, type ParamValue, paramLiteral } from './ml-values.ts'
import type { Command, FetchMethod, MlCommand, MlOperator, OperatorType, Relation } from './protocol.ts'

/** An estimator, transformer or evaluator: JVM class name, Spark uid, param values by Spark param name. */
export interface OperatorSpec {
  className: string
  uid?: string
  params?: MlParamValues
}

/** An object in the server's ML cache, by its cache id. */
export interface CachedObject {
  id: string
}

/** An operator whose uid is decided (the facet fills in a fresh one when the caller gives none). */
export type NamedOperator = OperatorSpec & { uid: string }

/** One call in a fetch chain, e.g. `{ method: 'featureImportances' }` or `{ method: 'predict', args: [v] }`. */
export interface FetchCall {
  method: string
  args?: ParamValue[]
}

/** A uid the way Spark makes them: the class's simple name, `_`, 12 hex digits. */
export function newUid(className: string): string {
  return `${className.split('.').at(-1)}_${randomBytes(6).toString('hex')}`
}

export function mlOperator(className: string, uid: string, type: OperatorType): MlOperator {
  return { name: className, uid, type }
}

function ml(command: MlCommand): Command {
  return { ml_command: command }
}

export function fitCommand(estimator: NamedOperator, dataset: Relation): Command {
  return ml({
    fit: {
      estimator: mlOperator(estimator.className, estimator.uid, 'OPERATOR_TYPE_ESTIMATOR'),
      params: mlParams(estimator.params),
      dataset,
    },
  })
}

/** The output of a cached model (by reference) or of a stateless transformer applied to `input`. */
export function transformRelation(
  target: CachedObject | NamedOperator,
  input: Relation,
  params: MlParamValues = {},
): Relation {
  if ('id' in target) {
    return { ml_relation: { transform: { obj_ref: { id: target.id }, input, params: mlParams(params) } } }
  }
  const transformer = mlOperator(target.className, target.uid, 'OPERATOR_TYPE_TRANSFORMER')
  return {
    ml_relation: { transform: { transformer, input, params: mlParams({ ...target.params, ...params }) } },
  }
}

export function evaluateCommand(evaluator: NamedOperator, dataset: Relation): Command {
  return ml({
    evaluate: {
      evaluator: mlOperator(evaluator.className, evaluator.uid, 'OPERATOR_TYPE_EVALUATOR'),
      params: mlParams(evaluator.params),
      dataset,
    },
  })
}

export interface WriteModelOptions {
  overwrite?: boolean
  /** Params to set on a copy of the model before it is saved. */
  params?: MlParamValues
  /** Writer options, e.g. `{ format: 'pmml' }` where supported. */
  options?: Record<string, string>
}

/**
 * `write().save(path)` of a cached model (by reference) or of a stateless transformer (by class, uid and
 * params), which lives in no server cache.
 */
export function writeCommand(
  target: CachedObject | NamedOperator,
  path: string,
  options: WriteModelOptions = {},
): Command {
  const subject =
    'id' in target
      ? { obj_ref: { id: target.id }, params: mlParams(options.params) }
      : {
          operator: mlOperator(target.className, target.uid, 'OPERATOR_TYPE_TRANSFORMER'),
          params: mlParams({ ...target.params, ...options.params }),
        }
  return ml({
    write: { ...subject, path, should_overwrite: options.overwrite ?? false, options: options.options ?? {} },
  })
}

export type ReadableType = 'model' | 'estimator' | 'transformer' | 'evaluator'

const READ_TYPES: Record<ReadableType, OperatorType> = {
  model: 'OPERATOR_TYPE_MODEL',
  estimator: 'OPERATOR_TYPE_ESTIMATOR',
  transformer: 'OPERATOR_TYPE_TRANSFORMER',
  evaluator: 'OPERATOR_TYPE_EVALUATOR',
}

/** Loads a saved ML object with `<className>.load(path)` on the server. */
export function readCommand(className: string, path: string, type: ReadableType, uid: string): Command {
  return ml({ read: { operator: mlOperator(className, uid, READ_TYPES[type]), path } })
}

export function fetchMethods(calls: FetchCall[]): FetchMethod[] {
  return calls.map(({ method, args = [] }) => ({
    method,
    args: args.map((arg) => ({ param: paramLiteral(arg) })),
  }))
}

/** Calls an allowed method chain on a cached object, e.g. `featureImportances` or `summary` → `rmse`. */
export function fetchCommand(target: CachedObject, calls: FetchCall[]): Command {
  return ml({ fetch: { obj_ref: { id: target.id }, methods: fetchMethods(calls) } })
}

export function deleteCommand(targets: CachedObject[]): Command {
  return ml({ delete: { obj_refs: targets.map(({ id }) => ({ id })) } })
}

export function cleanCacheCommand(): Command {
  return ml({ clean_cache: {} })
}
