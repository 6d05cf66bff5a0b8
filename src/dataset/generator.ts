// Synthetic rows shaped like the real data set (profile.ts): one seeded draw after another, deterministic for
// a seed. Every table is resolved to plain arrays indexed by vocabulary position once, at module load, so a row
// costs a few dozen arithmetic operations and one object.
import {
  CITIES,
  type City,
  DAYS_OF_WEEK,
  type DayOfWeek,
  ECONOMIC_CONDITIONS,
  type Flag,
  type TrafficRecord,
  VEHICLE_TYPES,
  WEATHERS,
} from '../contract/columns.ts'
import {
  DENSITY,
  DRIFT,
  ECONOMY_BY_CITY,
  ENERGY,
  isPeakHour,
  RANDOM_EVENT_RATE,
  SPEED,
  VEHICLES_BY_CITY,
} from './profile.ts'
import { cumulative, Random } from './random.ts'

const HOURS = 24

function mean(values: readonly number[], weights?: readonly number[]): number {
  const w = weights ?? values.map(() => 1)
  const total = w.reduce((sum, x) => sum + x, 0)
  return values.reduce((sum, x, i) => sum + x * (w[i] as number), 0) / total
}

/** Effect sizes divided by their mean under `weights`, so applying them leaves the overall mean unchanged. */
function centred(effects: readonly number[], weights?: readonly number[]): number[] {
  const m = mean(effects, weights)
  return effects.map((x) => x / m)
}

function roundTo4(x: number): number {
  return Math.round(x * 1e4) / 1e4
}

const cityDraw = cumulative(CITIES.map(() => 1))
const vehicleDraw = CITIES.map((city) => cumulative(VEHICLE_TYPES.map((v) => VEHICLES_BY_CITY[city][v])))
const economyDraw = CITIES.map((city) => cumulative(ECONOMIC_CONDITIONS.map((e) => ECONOMY_BY_CITY[city][e])))
const peakByDayHour = DAYS_OF_WEEK.flatMap((day) =>
  Array.from({ length: HOURS }, (_, hour) => isPeakHour(day, hour)),
)

const speedWeather = WEATHERS.map((w) => SPEED.weather[w])
const speedVehicle = VEHICLE_TYPES.map((v) => SPEED.vehicle[v])
const speedNoiseShift = (SPEED.noiseSigma * SPEED.noiseSigma) / 2

const energyFactor = VEHICLE_TYPES.map((v) => ENERGY.vehicleFactor[v])
const isPlainCity = CITIES.map((city) => (ENERGY.plainCities as readonly string[]).includes(city))
const weatherMultiplier = WEATHERS.map((w) =>
  (ENERGY.calmWeather as readonly string[]).includes(w) ? ENERGY.calmMultiplier : ENERGY.stormyMultiplier,
)

// Traffic Density = city mean × (1 + city spread × Σ deviations) × noise. Each deviation table averages to 0
// (within a city where the feature's mix depends on the city), so every city keeps its mean; deviations shared by
// all cities are divided by the mean spread so that their marginal means land on the profile's.
const cityDensity = CITIES.map((city) => DENSITY.city[city])
const citySpread = CITIES.map((city) => DENSITY.spread[city])
const meanSpread = mean(citySpread, cityDensity)

function deviations(effects: readonly number[], weights?: readonly number[], scale = 1): number[] {
  return centred(effects, weights).map((x) => (x - 1) / scale)
}

const weatherDeviation = deviations(
  WEATHERS.map((w) => DENSITY.weather[w]),
  undefined,
  meanSpread,
)
const peakRate = mean(peakByDayHour)
const peakDeviation = deviations([1, DENSITY.peak], [1 - peakRate, peakRate], meanSpread)
const eventDeviation = deviations(
  [1, DENSITY.randomEvent],
  [1 - RANDOM_EVENT_RATE, RANDOM_EVENT_RATE],
  meanSpread,
)
const economyDeviation = CITIES.map((city) =>
  deviations(
    ECONOMIC_CONDITIONS.map((e) => DENSITY.economy[e]),
    ECONOMIC_CONDITIONS.map((e) => ECONOMY_BY_CITY[city][e]),
  ),
)
const vehicleDeviation = CITIES.map((city) =>
  deviations(
    VEHICLE_TYPES.map((v) => DENSITY.vehicle[v]),
    VEHICLE_TYPES.map((v) => VEHICLES_BY_CITY[city][v]),
  ),
)
const densityNoiseShift = (DENSITY.noiseSigma * DENSITY.noiseSigma) / 2

/**
 * Hour deviation per city: a daily wave whose phase differs by city, shifted hour by hour so that the
 * density-weighted average over cities follows the marginal hour profile, then re-centred per city (the shifts
 * are the same for every city, so re-centring keeps the hourly averages).
 */
function hourDeviations(): number[][] {
  const { amplitude, peakHourByCity } = DENSITY.dailyWave
  const waves = CITIES.map((city) =>
    Array.from(
      { length: HOURS },
      (_, h) => amplitude * Math.cos((2 * Math.PI * (h - peakHourByCity[city])) / HOURS),
    ),
  )
  const target = deviations(DENSITY.hour, undefined, meanSpread)
  const weights = cityDensity.map((base, c) => base * (citySpread[c] as number))
  for (let h = 0; h < HOURS; h++) {
    const shift =
      (target[h] as number) -
      mean(
        waves.map((wave) => wave[h] as number),
        weights,
      )
    for (const wave of waves) wave[h] = (wave[h] as number) + shift
  }
  return waves.map((wave) => {
    const waveMean = mean(wave)
    return wave.map((x) => x - waveMean)
  })
}
const hourDeviation = hourDeviations()

/** A lasting change in one city (`traffic live --scenario drift:<City>`), see DRIFT in profile.ts. */
export interface CityDrift {
  city: City
}

export interface DrawOptions {
  /** Draw a row of this Day Of Week and Hour Of Day instead of a random one. */
  at?: { day: DayOfWeek; hour: number }
  drift?: CityDrift
}

/** A source of synthetic records; the same seed gives the same sequence. */
export function createSyntheticSource(seed: number): () => TrafficRecord {
  const random = new Random(seed)
  return () => drawRecord(random)
}

/** One synthetic record drawn from `random`. */
export function drawRecord(random: Random, options: DrawOptions = {}): TrafficRecord {
  const { at, drift } = options
  const city = random.pick(cityDraw)
  const vehicle = random.pick(vehicleDraw[city] as Float64Array)
  const weather = random.below(WEATHERS.length)
  const economy = random.pick(economyDraw[city] as Float64Array)
  const day = at ? DAYS_OF_WEEK.indexOf(at.day) : random.below(DAYS_OF_WEEK.length)
  const hour = at ? at.hour : random.below(HOURS)
  const peak = peakByDayHour[day * HOURS + hour] as Flag
  const event: Flag = random.chance(RANDOM_EVENT_RATE) ? 1 : 0

  const speed = roundTo4(
    random.between(SPEED.base.min, SPEED.base.max) *
      (speedWeather[weather] as number) *
      (peak ? SPEED.peak : SPEED.offPeak) *
      (speedVehicle[vehicle] as number) *
      Math.exp(SPEED.noiseSigma * random.normal() - speedNoiseShift),
  )

  let multiplier: number
  if (isPlainCity[city]) multiplier = random.chance(ENERGY.plainRaisedShare) ? ENERGY.plainRaised : 1
  else multiplier = (weatherMultiplier[weather] as number) * (peak ? ENERGY.peakMultiplier : 1)
  if (random.chance(ENERGY.offRuleShare)) {
    const { min, max } = ENERGY.offRuleDeviation
    multiplier *= 1 + (random.chance(0.5) ? 1 : -1) * random.between(min, max)
  }
  const energy = roundTo4(speed * (energyFactor[vehicle] as number) * multiplier)

  const z = (speed - DENSITY.speed.center) / DENSITY.speed.scale
  const drifted = drift !== undefined && CITIES[city] === drift.city
  const speedEffect = drifted ? DRIFT.speedSlope * z : DENSITY.speed.weight * (z * z - 1)
  const deviation =
    ((hourDeviation[city] as number[])[hour] as number) +
    (weatherDeviation[weather] as number) +
    ((economyDeviation[city] as number[])[economy] as number) +
    ((vehicleDeviation[city] as number[])[vehicle] as number) +
    (peakDeviation[peak] as number) +
    (eventDeviation[event] as number) +
    speedEffect
  const density = roundTo4(
    (cityDensity[city] as number) *
      (drifted ? DRIFT.level : 1) *
      Math.max(DENSITY.floor, 1 + (citySpread[city] as number) * deviation) *
      Math.exp(DENSITY.noiseSigma * random.normal() - densityNoiseShift),
  )

  return {
    City: CITIES[city] as TrafficRecord['City'],
    'Vehicle Type': VEHICLE_TYPES[vehicle] as TrafficRecord['Vehicle Type'],
    Weather: WEATHERS[weather] as TrafficRecord['Weather'],
    'Economic Condition': ECONOMIC_CONDITIONS[economy] as TrafficRecord['Economic Condition'],
    'Day Of Week': DAYS_OF_WEEK[day] as TrafficRecord['Day Of Week'],
    'Hour Of Day': hour,
    Speed: speed,
    'Is Peak Hour': peak,
    'Random Event Occurred': event,
    'Energy Consumption': energy,
    'Traffic Density': density,
  }
}
