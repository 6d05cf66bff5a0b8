// The three models of the contract, shared by the trainer and the API: the seed's folder names, the column each
// predicts and the kind of prediction. In the seed's order, which is also the order of the three-way split.
export const MODELS = [
  { id: 'traffic_density', folder: 'traffic_density_model', target: 'Traffic Density', task: 'regression' },
  { id: 'is_peak_hour', folder: 'peak_hour_model', target: 'Is Peak Hour', task: 'classification' },
  {
    id: 'energy_consumption',
    folder: 'energy_consumption_model',
    target: 'Energy Consumption',
    task: 'regression',
  },
] as const

export type ModelDefinition = (typeof MODELS)[number]
