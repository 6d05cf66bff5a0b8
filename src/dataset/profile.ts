// The shape of the real data set (docs/data.md) as numbers the synthetic generator draws from.
// Figures quoted from the profile are marked "profile"; the rest were tuned until the generated file matched
// the profile's statistics (test/dataset/generator.test.ts checks them).
import type { City, DayOfWeek, EconomicCondition, Flag, VehicleType, Weather } from '../contract/columns.ts'

/** Profile rule, no exceptions in the real file: weekdays at 7, 8, 17, 18 h; weekends at 12, 13, 14 h. */
export function isPeakHour(day: DayOfWeek, hour: number): Flag {
  const weekend = day === 'Saturday' || day === 'Sunday'
  const peak = weekend ? hour >= 12 && hour <= 14 : hour === 7 || hour === 8 || hour === 17 || hour === 18
  return peak ? 1 : 0
}

/** Profile: 5.0 % of rows. */
export const RANDOM_EVENT_RATE = 0.05

/**
 * Vehicle mix per city. Profile overall: Autonomous Vehicle 62.1 %, Drone 25.0 %, Flying Car 6.5 %, Car 6.4 %,
 * with very few Cars and Flying Cars in Neuroburg and TechHaven (cities are equally frequent).
 */
const MIXED_FLEET = { 'Autonomous Vehicle': 55.95, Drone: 25, 'Flying Car': 9.6, Car: 9.45 }
const AUTONOMOUS_FLEET = { 'Autonomous Vehicle': 74.4, Drone: 25, 'Flying Car': 0.3, Car: 0.3 }
export const VEHICLES_BY_CITY: Record<City, Record<VehicleType, number>> = {
  AquaCity: MIXED_FLEET,
  Ecoopolis: MIXED_FLEET,
  MetropolisX: MIXED_FLEET,
  Neuroburg: AUTONOMOUS_FLEET,
  SolarisVille: MIXED_FLEET,
  TechHaven: AUTONOMOUS_FLEET,
}

/**
 * Economy per city. Profile: AquaCity and MetropolisX ~87 % Recession, Neuroburg ~8 %; overall Booming ~32 %,
 * Stable ~38 %, Recession ~30 % — which leaves almost no Recession to the three other cities.
 */
export const ECONOMY_BY_CITY: Record<City, Record<EconomicCondition, number>> = {
  AquaCity: { Booming: 5, Stable: 8, Recession: 87 },
  Ecoopolis: { Booming: 45, Stable: 55, Recession: 0 },
  MetropolisX: { Booming: 5, Stable: 8, Recession: 87 },
  Neuroburg: { Booming: 40, Stable: 52, Recession: 8 },
  SolarisVille: { Booming: 50, Stable: 50, Recession: 0 },
  TechHaven: { Booming: 47, Stable: 53, Recession: 0 },
}

/**
 * Speed = uniform base × weather × peak × vehicle × log-normal noise. Profile: mean 59.93, std 26.63, quartiles
 * 37.5 / 58.5 / 80.5, min 6.7, max 163; Rainy and Snowy ≈ 56, other weathers ≈ 63; peak 62.3 vs 59.5 off-peak;
 * Flying Car 57.1, Drone 60.6, others ≈ 60.
 */
export const SPEED = {
  base: { min: 16.3, max: 103.3 },
  noiseSigma: 0.13,
  weather: { Clear: 1.051, Rainy: 0.934, Snowy: 0.934, 'Solar Flare': 1.051, 'Electromagnetic Storm': 1.051 },
  peak: 1.0395,
  offPeak: 0.9928,
  vehicle: { 'Autonomous Vehicle': 1, Drone: 1.011, 'Flying Car': 0.953, Car: 1 },
} satisfies {
  weather: Record<Weather, number>
  vehicle: Record<VehicleType, number>
  [key: string]: unknown
}

/**
 * Profile rule: Energy ≈ Speed × vehicle factor × multiplier, within 1 % on ~84 % of rows. The multiplier is 1
 * (1/0.9 ≈ 1.111 on ~10 % of rows) in the "plain" cities; 1/0.88 ≈ 1.136 (Clear, Solar Flare) or 1/0.836 ≈ 1.196
 * (other weathers) in the others, times 0.8 at peak hours. The other ~16 % of rows are off by 2–20 %.
 */
export const ENERGY = {
  vehicleFactor: { Car: 1, 'Autonomous Vehicle': 0.8, Drone: 0.5, 'Flying Car': 1.2 },
  plainCities: ['AquaCity', 'Ecoopolis', 'SolarisVille'],
  plainRaisedShare: 0.1,
  plainRaised: 1 / 0.9,
  calmWeather: ['Clear', 'Solar Flare'],
  calmMultiplier: 1 / 0.88,
  stormyMultiplier: 1 / 0.836,
  peakMultiplier: 0.8,
  offRuleShare: 0.16,
  offRuleDeviation: { min: 0.02, max: 0.2 },
} satisfies {
  vehicleFactor: Record<VehicleType, number>
  plainCities: City[]
  calmWeather: Weather[]
  [key: string]: unknown
}

/**
 * Traffic Density = city mean × max(floor, 1 + city spread × Σ deviations) × log-normal noise, where each feature
 * contributes a deviation that averages to 0 (see generator.ts). Profile means — by city: MetropolisX 0.462 …
 * Neuroburg 0.074; by weather: Clear 0.296 … Solar Flare 0.263; peak 0.290 vs 0.275; by hour: highest at 7–8 h,
 * lowest at 15–16 h. Within a city, hour (a daily wave whose phase differs by city), economy, vehicle, speed
 * and random events move density enough that the features explain ~78 % of its variance, as on the real file,
 * while the published marginal means hold. The spreads shape the bands (≤0.15: 35.6 %, 0.15–0.30: 28.2 %,
 * >0.30: 36.3 %) and the overall std (0.219). Vehicle effects are chosen so Energy stays uncorrelated with density.
 */
export const DENSITY = {
  city: {
    MetropolisX: 0.462,
    AquaCity: 0.447,
    SolarisVille: 0.291,
    TechHaven: 0.196,
    Ecoopolis: 0.193,
    Neuroburg: 0.074,
  },
  spread: {
    MetropolisX: 0.95,
    AquaCity: 0.95,
    SolarisVille: 0.9,
    TechHaven: 1.4,
    Ecoopolis: 1.4,
    Neuroburg: 0.6,
  },
  floor: 0.05,
  weather: { Clear: 0.296, 'Electromagnetic Storm': 0.291, Snowy: 0.268, Rainy: 0.268, 'Solar Flare': 0.263 },
  /** Relative daily wave per city: amplitude, and the hour at which it peaks (spread over the day). */
  dailyWave: {
    amplitude: 0.52,
    peakHourByCity: {
      AquaCity: 2,
      Ecoopolis: 6,
      MetropolisX: 10,
      Neuroburg: 14,
      SolarisVille: 18,
      TechHaven: 22,
    },
  },
  /** Marginal hour profile, applied on top of the per-city waves. */
  hour: [
    1, 0.995, 0.99, 0.99, 0.995, 1, 1.01, 1.02, 1.02, 1.01, 1, 1, 0.99, 0.985, 0.975, 0.96, 0.96, 0.965,
    0.975, 1, 1, 1, 1, 1,
  ],
  peak: 1.04,
  economy: { Booming: 1.35, Stable: 1, Recession: 0.78 },
  vehicle: { 'Autonomous Vehicle': 1, Drone: 1.09, 'Flying Car': 0.87, Car: 1.26 },
  randomEvent: 1.4,
  /** U-shaped speed effect 1 + weight·(z² − 1), z = (speed − center)/scale: jams and free-flow extremes. */
  speed: { center: 64, scale: 26.9, weight: 0.09 },
  noiseSigma: 0.29,
} satisfies {
  city: Record<City, number>
  spread: Record<City, number>
  weather: Record<Weather, number>
  economy: Record<EconomicCondition, number>
  vehicle: Record<VehicleType, number>
  [key: string]: unknown
}

/**
 * `traffic live --scenario drift:<City>`: from its onset that city's traffic changes lastingly — its density level
 * is `level` times the usual, and density falls as speed rises (`speedSlope` per speed unit z, see DENSITY.speed)
 * where it usually rises at both ends of the speed range. Models trained before the onset mispredict the city.
 */
export const DRIFT = { level: 1.5, speedSlope: -0.35 }
