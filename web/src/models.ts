// The three models as the UI presents them: which column each predicts, its endpoints, the seed README's
// example payload as the form's defaults, and how to read the one number the UI draws from an answer.

import { COLUMNS, type ColumnName, columnsExcept, type TrafficRecord } from '../../src/schema/columns.ts'
import type { DensityPrediction, EnergyPrediction, ModelsStatus, PeakHourPrediction } from './api/contract.ts'

export type ModelKey = 'traffic_density_model' | 'peak_hour_model' | 'energy_consumption_model'

export interface Predictions {
  traffic_density_model: DensityPrediction
  peak_hour_model: PeakHourPrediction
  energy_consumption_model: EnergyPrediction
}

export interface ModelSpec<K extends ModelKey = ModelKey> {
  key: K
  title: string
  target: ColumnName
  features: ColumnName[]
  endpoint: string
  loadedFlag: keyof ModelsStatus
  defaults: Partial<TrafficRecord>
  /** The number the charts draw: density, P(peak hour), or energy. */
  value(prediction: Predictions[K]): number
}

function spec<K extends ModelKey>(model: Omit<ModelSpec<K>, 'features'>): ModelSpec<K> {
  return { ...model, features: columnsExcept(model.target) }
}

export const DENSITY_MODEL = spec({
  key: 'traffic_density_model',
  title: 'Traffic density',
  target: 'Traffic Density',
  endpoint: '/predict_traffic_density',
  loadedFlag: 'traffic_density_model_loaded',
  defaults: {
    City: 'SolarisVille',
    'Vehicle Type': 'Drone',
    Weather: 'Snowy',
    'Economic Condition': 'Stable',
    'Day Of Week': 'Sunday',
    'Hour Of Day': 20,
    Speed: 29.42,
    'Is Peak Hour': 0,
    'Random Event Occurred': 0,
    'Energy Consumption': 14.71,
  },
  value: (prediction) => prediction.predicted_traffic_density,
})

export const PEAK_HOUR_MODEL = spec({
  key: 'peak_hour_model',
  title: 'Peak hour',
  target: 'Is Peak Hour',
  endpoint: '/predict_is_peak_hour',
  loadedFlag: 'peak_hour_model_loaded',
  defaults: {
    City: 'Ecoopolis',
    'Vehicle Type': 'Car',
    Weather: 'Clear',
    'Economic Condition': 'Booming',
    'Day Of Week': 'Monday',
    'Hour Of Day': 8,
    Speed: 45,
    'Random Event Occurred': 0,
    'Energy Consumption': 30.5,
    'Traffic Density': 0.75,
  },
  value: (prediction) =>
    prediction.predicted_is_peak_hour === 1
      ? prediction.probability_of_predicted_class
      : 1 - prediction.probability_of_predicted_class,
})

export const ENERGY_MODEL = spec({
  key: 'energy_consumption_model',
  title: 'Energy consumption',
  target: 'Energy Consumption',
  endpoint: '/predict_energy_consumption',
  loadedFlag: 'energy_consumption_model_loaded',
  defaults: {
    City: 'TechHaven',
    'Vehicle Type': 'Autonomous Vehicle',
    Weather: 'Rainy',
    'Economic Condition': 'Recession',
    'Day Of Week': 'Tuesday',
    'Hour Of Day': 15,
    Speed: 80,
    'Is Peak Hour': 1,
    'Random Event Occurred': 0,
    'Traffic Density': 0.6,
  },
  value: (prediction) => prediction.predicted_energy_consumption,
})

export const MODELS = [DENSITY_MODEL, PEAK_HOUR_MODEL, ENERGY_MODEL] as const

export function columnOf(name: ColumnName) {
  const column = COLUMNS.find((c) => c.name === name)
  if (!column) throw new Error(`unknown column ${name}`)
  return column
}
