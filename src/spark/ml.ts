// Spark ML over Connect (Spark ≥ 4.0): fit, transform, evaluate, write, read, fetch and cache cleanup,
// each one MlCommand (or an ml_relation for transform). Fitted models live in the server session's ML
// cache and are addressed by reference; closing the session drops them all.

import type { DataFrame } from './dataframe.ts'
import { SparkConnectError, withContext } from './errors.ts'
import * as commands from './ml-commands.ts'
import { fromLiteral, type MlParamValues, type ParamValue } from './ml-values.ts'
import { commandPlan } from './plan.ts'
import type { Command, MlCommandResult__Output, MlOperatorInfo__Output } from './protocol.ts'
import type { SparkSession } from './session.ts'

/** A model in the server's ML cache. */
export interface ModelRef {
  /** Cache id on the server (not the Spark uid). */
  id: string
  /** The Spark uid: a fitted model keeps its estimator's uid. */
  uid: string
  /**
   * What the server said while fitting, e.g. that tree growth stopped early because the model reached
   * the ML cache size limit. Show it to the user.
   */
  warning?: string
}

export interface LoadedOperator {
  /** Present for models (they are cached on the server); estimators/evaluators are returned by value. */
  ref?: ModelRef
  uid: string
  /** The params the loaded object has set, decoded. */
  params: Record<string, unknown>
}

function operatorInfo(result: MlCommandResult__Output, command: string): MlOperatorInfo__Output {
  if (!result.operator_info)
    throw new SparkConnectError('SERVER_ERROR', `ML ${command}: the server sent no operator info`)
  return result.operator_info
}

function decodeParams(info: MlOperatorInfo__Output): Record<string, unknown> {
  const params = info.params?.params ?? {}
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, fromLiteral(value)]))
}

export class SparkML {
  constructor(private readonly session: SparkSession) {}

  /** Runs one ML command; a Spark failure says which command on which class it was. */
  private async run(context: string, command: Command): Promise<MlCommandResult__Output> {
    try {
      return await this.session.executeMl(commandPlan(command))
    } catch (error) {
      throw withContext(error, context)
    }
  }

  private named(spec: commands.OperatorSpec): commands.NamedOperator {
    return { ...spec, uid: spec.uid ?? commands.newUid(spec.className) }
  }

  /** `estimator.fit(dataset)`; the model stays on the server, referenced by the returned ModelRef. */
  async fit(estimator: commands.OperatorSpec, dataset: DataFrame): Promise<ModelRef> {
    const named = this.named(estimator)
    const result = await this.run(
      `ML fit of ${estimator.className}`,
      commands.fitCommand(named, dataset.relation),
    )
    const info = operatorInfo(result, 'fit')
    const id = info.obj_ref?.id
    if (!id)
      throw new SparkConnectError(
        'SERVER_ERROR',
        `ML fit of ${estimator.className}: no model reference returned`,
      )
    return { id, uid: named.uid, ...(info.warning_message ? { warning: info.warning_message } : {}) }
  }

  /** A cached model, or a stateless transformer (e.g. VectorAssembler), applied to a dataset. Lazy. */
  transform(
    target: ModelRef | commands.OperatorSpec,
    dataset: DataFrame,
    params: MlParamValues = {},
  ): DataFrame {
    const resolved = 'id' in target ? target : this.named(target)
    return this.session.dataFrame(commands.transformRelation(resolved, dataset.relation, params))
  }

  /** `evaluator.evaluate(dataset)`, e.g. RegressionEvaluator with `metricName: 'rmse'`. */
  async evaluate(evaluator: commands.OperatorSpec, dataset: DataFrame): Promise<number> {
    const command = commands.evaluateCommand(this.named(evaluator), dataset.relation)
    const result = await this.run(`ML evaluate with ${evaluator.className}`, command)
    if (!result.param) throw new SparkConnectError('SERVER_ERROR', `ML evaluate: no metric returned`)
    return Number(fromLiteral(result.param))
  }

  /**
   * Saves a cached model, or a stateless transformer, in Spark's native format (`write().save(path)`) on the
   * server's file system.
   */
  async write(
    target: ModelRef | commands.OperatorSpec,
    path: string,
    options: commands.WriteModelOptions = {},
  ): Promise<void> {
    const [resolved, what] =
      'id' in target ? [target, `model ${target.uid}`] : [this.named(target), target.className]
    await this.run(`ML write of ${what} to ${path}`, commands.writeCommand(resolved, path, options))
  }

  /**
   * `<className>.load(path)` on the server. For a model (`type` 'model', className such as
   * `org.apache.spark.ml.feature.StringIndexerModel`) the result is cached and referenced.
   */
  async read(
    className: string,
    path: string,
    type: commands.ReadableType = 'model',
  ): Promise<LoadedOperator> {
    const request = commands.readCommand(className, path, type, commands.newUid(className))
    const info = operatorInfo(await this.run(`ML read of ${className} from ${path}`, request), 'read')
    const uid = info.uid ?? ''
    const id = info.obj_ref?.id
    return { ...(id ? { ref: { id, uid } } : {}), uid, params: decodeParams(info) }
  }

  /**
   * An attribute or method result of a cached model, e.g. `fetch(model, 'featureImportances')` (a vector),
   * `fetch(model, 'numFeatures')`, `fetch(model, 'predict', denseVector([...]))`, or a chain of calls.
   * Results that are models come back as ModelRefs (their uid unknown: '').
   */
  async fetch(
    model: ModelRef,
    method: string | commands.FetchCall[],
    ...args: ParamValue[]
  ): Promise<unknown> {
    const calls = typeof method === 'string' ? [{ method, args }] : method
    const chain = calls.map((call) => call.method).join('.')
    const result = await this.run(
      `ML fetch of ${chain} on model ${model.uid}`,
      commands.fetchCommand(model, calls),
    )
    if (result.param) return fromLiteral(result.param)
    if (result.summary !== undefined) return { id: result.summary, uid: '' } satisfies ModelRef
    const ids = result.operator_info?.obj_ref?.id
    if (ids) return ids.split(',').map((id): ModelRef => ({ id, uid: '' }))
    throw new SparkConnectError(
      'SERVER_ERROR',
      `ML fetch ${JSON.stringify(calls.map((c) => c.method))}: empty result`,
    )
  }

  /** Removes models from the server's ML cache; returns the ids the server actually removed. */
  async delete(...models: ModelRef[]): Promise<string[]> {
    if (models.length === 0) return []
    const result = await this.run('ML delete', commands.deleteCommand(models))
    return (result.operator_info?.obj_ref?.id ?? '').split(',').filter(Boolean)
  }

  /** Empties this session's ML cache; returns how many objects were dropped. */
  async cleanCache(): Promise<number> {
    const result = await this.run('ML cache cleanup', commands.cleanCacheCommand())
    return result.param ? Number(fromLiteral(result.param)) : 0
  }
}
