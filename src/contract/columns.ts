// The 11 columns of futuristic_city_traffic.csv: names, order, kinds and vocabularies. Everything else
// (TypeScript types, validation, CSV/JSON codecs, the generator) is derived from this one list.

export const CITIES = [
  'AquaCity',
  'Ecoopolis',
  'MetropolisX',
  'Neuroburg',
  'SolarisVille',
  'TechHaven',
] as const
export const VEHICLE_TYPES = ['Autonomous Vehicle', 'Drone', 'Flying Car', 'Car'] as const
export const WEATHERS = ['Clear', 'Rainy', 'Snowy', 'Solar Flare', 'Electromagnetic Storm'] as const
export const ECONOMIC_CONDITIONS = ['Booming', 'Stable', 'Recession'] as const
export const DAYS_OF_WEEK = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
] as const

export type City = (typeof CITIES)[number]
export type VehicleType = (typeof VEHICLE_TYPES)[number]
export type Weather = (typeof WEATHERS)[number]
export type EconomicCondition = (typeof ECONOMIC_CONDITIONS)[number]
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number]

/**
 * Column kinds: `category` (one of `values`), `integer` (whole number in [min, max]), `flag` (0 or 1),
 * `measure` (finite decimal ≥ 0, printed with 4 decimals in CSV).
 * A measure's `plausibleMax` is the largest value the API predicts from: generous (about 3–15× the largest value
 * of the real data set: Speed 163.09, Energy Consumption 189.95, Traffic Density 3.3776), so only nonsense such
 * as Speed 1e7 is refused. The stream keeps every finite value ≥ 0: it archives what was measured.
 */
export const COLUMNS = [
  { name: 'City', kind: 'category', values: CITIES },
  { name: 'Vehicle Type', kind: 'category', values: VEHICLE_TYPES },
  { name: 'Weather', kind: 'category', values: WEATHERS },
  { name: 'Economic Condition', kind: 'category', values: ECONOMIC_CONDITIONS },
  { name: 'Day Of Week', kind: 'category', values: DAYS_OF_WEEK },
  { name: 'Hour Of Day', kind: 'integer', min: 0, max: 23 },
  { name: 'Speed', kind: 'measure', plausibleMax: 500 },
  { name: 'Is Peak Hour', kind: 'flag' },
  { name: 'Random Event Occurred', kind: 'flag' },
  { name: 'Energy Consumption', kind: 'measure', plausibleMax: 1000 },
  { name: 'Traffic Density', kind: 'measure', plausibleMax: 50 },
] as const

export type Column = (typeof COLUMNS)[number]
export type ColumnName = Column['name']
export type ColumnKind = Column['kind']
export type Flag = 0 | 1

type ValueOf<C extends Column> = C extends { kind: 'category'; values: readonly (infer V)[] }
  ? V
  : C extends { kind: 'flag' }
    ? Flag
    : number

type RecordShape = { [C in Column as C['name']]: ValueOf<C> }

/** One row of the data set, keyed by the exact column names (as in the CSV header and the JSON messages). */
export interface TrafficRecord extends RecordShape {}

export const COLUMN_NAMES: readonly ColumnName[] = COLUMNS.map((column) => column.name)

/** All columns but the given ones, in file order (e.g. the features of a model, the body of an API request). */
export function columnsExcept<const E extends ColumnName>(...excluded: E[]): Exclude<ColumnName, E>[] {
  return COLUMN_NAMES.filter((name): name is Exclude<ColumnName, E> => !excluded.includes(name as E))
}
