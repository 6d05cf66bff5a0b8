// The seed README's example payloads, one per prediction endpoint: the OpenAPI examples and the web UI's form
// defaults. Plain data, no TypeBox or Fastify: the browser bundle imports it.
import type { TrafficRecord } from '../contract/columns.ts'
import type { ModelId, ServedModel } from '../serving/model-catalog.ts'

/** What a model's endpoint reads: the record minus the model's target. */
export type PredictRequest<M extends ModelId> = Omit<TrafficRecord, Extract<ServedModel, { id: M }>['target']>

export const SEED_EXAMPLES: { [M in ModelId]: PredictRequest<M> } = {
  traffic_density: {
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
  is_peak_hour: {
    City: 'Ecoopolis',
    'Vehicle Type': 'Car',
    Weather: 'Clear',
    'Economic Condition': 'Booming',
    'Day Of Week': 'Monday',
    'Hour Of Day': 8,
    Speed: 45.0,
    'Random Event Occurred': 0,
    'Energy Consumption': 30.5,
    'Traffic Density': 0.75,
  },
  energy_consumption: {
    City: 'TechHaven',
    'Vehicle Type': 'Autonomous Vehicle',
    Weather: 'Rainy',
    'Economic Condition': 'Recession',
    'Day Of Week': 'Tuesday',
    'Hour Of Day': 15,
    Speed: 80.0,
    'Is Peak Hour': 1,
    'Random Event Occurred': 0,
    'Traffic Density': 0.6,
  },
}
