// Evaluator output → the seed's response JSON. Rounding follows Python's round(x, 4), which the seed's Flask API
// used: the nearest 4-decimal value, exact halves to even.
import type { Prediction } from '../serving/evaluator.ts'
import type { ModelId } from '../serving/model-catalog.ts'
import type { PredictResponses } from './schemas.ts'

export function round4(x: number): number {
  const magnitude = Math.abs(x)
  let rounded = Number(magnitude.toFixed(4))
  // toFixed sends an exact half away from zero; Python sends it to the even neighbour. A double is an exact half
  // at the 5th decimal only when it is k/32 with k odd.
  const thirtySeconds = magnitude * 32
  if (Number.isInteger(thirtySeconds) && thirtySeconds % 2 === 1) {
    const tenThousandths = Math.round(rounded * 10_000)
    if (tenThousandths % 2 === 1) rounded = (tenThousandths - 1) / 10_000
  }
  return x < 0 ? -rounded : rounded
}

type Formatter<M extends ModelId> = (prediction: Prediction) => PredictResponses[M]

export const FORMAT_PREDICTION: { [M in ModelId]: Formatter<M> } = {
  traffic_density: ({ prediction }) => ({ predicted_traffic_density: round4(prediction) }),
  energy_consumption: ({ prediction }) => ({ predicted_energy_consumption: round4(prediction) }),
  is_peak_hour: ({ prediction, probability }) => {
    const peak = prediction === 1 ? 1 : 0
    return {
      predicted_is_peak_hour: peak,
      label: peak === 1 ? 'Peak Hour' : 'Not Peak Hour',
      probability_of_predicted_class: round4(probability?.[peak] ?? Number.NaN),
    }
  },
}
