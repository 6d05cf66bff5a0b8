// Checks a saved pipeline's values before it goes into service, so corrupt files fail to load with a reason
// instead of turning into NaN predictions or errors while answering requests: every number a stage holds must
// be finite, the save time a number, and every leaf of a classifier must have seen some class.
import { TrafficError } from '../errors.ts'
import { type CompiledForest, LEAF } from './forest.ts'
import type { PipelineData } from './pipeline-model.ts'

function corrupt(where: string, reason: string): TrafficError {
  return new TrafficError('MODEL_UNSUPPORTED', `${where} is corrupt: ${reason}`, {
    hint: 'Train the models again: traffic train',
  })
}

/** Where the first non-finite number is in a stage's params (plain data and typed arrays), if any. */
function nonFiniteNumber(params: unknown): string | undefined {
  const stack: [unknown, string][] = [[params, '']]
  while (stack.length > 0) {
    const [value, at] = stack.pop() as [unknown, string]
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return `${at || 'a value'} is ${value}`
    } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const numbers = value as unknown as ArrayLike<number>
      for (let i = 0; i < numbers.length; i++) {
        if (!Number.isFinite(numbers[i])) return `${at}[${i}] is ${numbers[i]}`
      }
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        stack.push([item, Array.isArray(value) ? `${at}[${key}]` : at ? `${at}.${key}` : key])
      }
    }
  }
  return undefined
}

/** A classifier leaf whose class counts are all zero would give probabilities of 0/0. */
function emptyLeaf({ links, values, classWeights, numClasses }: CompiledForest): number | undefined {
  if (numClasses === 0) return undefined
  for (let node = 0; node < values.length; node++) {
    if (links[2 * node] !== LEAF) continue
    const start = values[node] as number
    let sum = 0
    for (let k = 0; k < numClasses; k++) sum += classWeights[start + k] as number
    if (!(sum > 0)) return node
  }
  return undefined
}

export function checkPipelineData(data: PipelineData): void {
  const where = `The model in ${data.dir}`
  if (typeof data.sparkVersion !== 'string') throw corrupt(where, 'its metadata has no sparkVersion text')
  const { timestamp } = data
  if (
    timestamp !== undefined &&
    (typeof timestamp !== 'number' || Number.isNaN(new Date(timestamp).getTime()))
  ) {
    throw corrupt(where, `its metadata timestamp ${JSON.stringify(timestamp)} is not a time in milliseconds`)
  }
  for (const [index, stage] of data.stages.entries()) {
    const stageName = `stage ${index} (${stage.className.split('.').pop()})`
    const bad = nonFiniteNumber(stage.params)
    if (bad !== undefined) throw corrupt(where, `${stageName}: ${bad}`)
    const forest = (stage.params as { forest?: CompiledForest }).forest
    const leaf = forest === undefined ? undefined : emptyLeaf(forest)
    if (leaf !== undefined) throw corrupt(where, `${stageName}: a leaf has no class counts (all zero)`)
  }
}
