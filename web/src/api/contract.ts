// The API's JSON as the UI reads it (DESIGN.md contract). Replaced by type imports from src/api once its
// schemas are exported there (STYLE.md rule 5).

export interface ModelsStatus {
  traffic_density_model_loaded: boolean
  peak_hour_model_loaded: boolean
  energy_consumption_model_loaded: boolean
}

export interface RootResponse {
  status: string
  message: string
  models_status: ModelsStatus
}

export interface FieldError {
  field: string
  message: string
}

export interface ErrorResponse {
  error: string
  details?: FieldError[]
}

export interface DensityPrediction {
  predicted_traffic_density: number
}

export interface PeakHourPrediction {
  predicted_is_peak_hour: 0 | 1
  label: 'Peak Hour' | 'Not Peak Hour'
  probability_of_predicted_class: number
}

export interface EnergyPrediction {
  predicted_energy_consumption: number
}
