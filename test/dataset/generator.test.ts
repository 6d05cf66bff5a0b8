// The synthetic data set against docs/data.md. Tolerances are stated next to each figure: they allow for
// sampling noise at this size plus the small misfit of the generator's model, and no more.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  CITIES,
  DAYS_OF_WEEK,
  type TrafficRecord,
  VEHICLE_TYPES,
  WEATHERS,
} from '../../src/contract/columns.ts'
import { encodeCsvLine } from '../../src/contract/csv.ts'
import { validateRecord } from '../../src/contract/validate.ts'
import { createSyntheticSource } from '../../src/dataset/generator.ts'
import { additiveModelR2, correlation, mean, quantile, share, std } from './stats.ts'

const ROWS = 250_000
const next = createSyntheticSource(42)
const rows: TrafficRecord[] = Array.from({ length: ROWS }, () => next())

const speed = rows.map((r) => r.Speed)
const energy = rows.map((r) => r['Energy Consumption'])
const density = rows.map((r) => r['Traffic Density'])

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual.toFixed(4)} is not within ±${tolerance} of ${expected}`,
  )
}

function meanWhere(values: readonly number[], test: (r: TrafficRecord) => boolean): number {
  return mean(values.filter((_, i) => test(rows[i] as TrafficRecord)))
}

function rowShare(test: (r: TrafficRecord) => boolean): number {
  return share(rows, test)
}

/** The profile's rule, written out independently of the generator. */
function peakByRule(r: TrafficRecord): 0 | 1 {
  const hour = r['Hour Of Day']
  if (r['Day Of Week'] === 'Saturday' || r['Day Of Week'] === 'Sunday')
    return hour >= 12 && hour <= 14 ? 1 : 0
  return [7, 8, 17, 18].includes(hour) ? 1 : 0
}

describe(`synthetic generator (${ROWS.toLocaleString('en-US')} rows, seed 42) vs docs/data.md`, () => {
  it('produces valid records whose CSV lines print measures with 4 decimals', () => {
    const measures = /^(?:[^,]*,){6}\d+\.\d{4},\d,\d,\d+\.\d{4},\d+\.\d{4}$/
    for (const r of rows) {
      assert.ok(validateRecord(r).ok)
      assert.match(encodeCsvLine(r), measures)
    }
  })

  it('follows the Is Peak Hour rule on every row; peak rate 0.1547 ± 0.004', () => {
    rows.forEach((r, i) => {
      assert.equal(r['Is Peak Hour'], peakByRule(r), `row ${i}: ${r['Day Of Week']} ${r['Hour Of Day']} h`)
    })
    near(
      rowShare((r) => r['Is Peak Hour'] === 1),
      0.1547,
      0.004,
      'peak rate',
    )
  })

  it('has the vocabulary frequencies of the profile', () => {
    const vehicles = { 'Autonomous Vehicle': 0.621, Drone: 0.25, 'Flying Car': 0.065, Car: 0.064 }
    for (const v of VEHICLE_TYPES)
      near(
        rowShare((r) => r['Vehicle Type'] === v),
        vehicles[v],
        0.006,
        v,
      )
    for (const c of CITIES)
      near(
        rowShare((r) => r.City === c),
        1 / 6,
        0.006,
        c,
      )
    for (const w of WEATHERS)
      near(
        rowShare((r) => r.Weather === w),
        1 / 5,
        0.006,
        w,
      )
    for (const d of DAYS_OF_WEEK)
      near(
        rowShare((r) => r['Day Of Week'] === d),
        1 / 7,
        0.006,
        d,
      )
    for (let h = 0; h < 24; h++)
      near(
        rowShare((r) => r['Hour Of Day'] === h),
        1 / 24,
        0.003,
        `hour ${h}`,
      )
    near(
      rowShare((r) => r['Random Event Occurred'] === 1),
      0.05,
      0.003,
      'random event rate',
    )
  })

  it('ties Economic Condition and fleet to the city', () => {
    const economy = { Booming: 0.32, Stable: 0.38, Recession: 0.3 } as const
    for (const [e, expected] of Object.entries(economy)) {
      near(
        rowShare((r) => r['Economic Condition'] === e),
        expected,
        0.015,
        `overall ${e}`,
      )
    }
    const recessionIn = (city: string) =>
      share(
        rows.filter((r) => r.City === city),
        (r) => r['Economic Condition'] === 'Recession',
      )
    near(recessionIn('AquaCity'), 0.87, 0.015, 'AquaCity Recession')
    near(recessionIn('MetropolisX'), 0.87, 0.015, 'MetropolisX Recession')
    near(recessionIn('Neuroburg'), 0.08, 0.015, 'Neuroburg Recession')
    for (const city of ['Neuroburg', 'TechHaven']) {
      const cars = share(
        rows.filter((r) => r.City === city),
        (r) => r['Vehicle Type'] === 'Car' || r['Vehicle Type'] === 'Flying Car',
      )
      assert.ok(cars < 0.02, `${city} has few Cars and Flying Cars (${cars.toFixed(4)})`)
    }
  })

  it('draws Speed like the profile (mean 59.93, std 26.63, quartiles 37.5/58.5/80.5)', () => {
    const sorted = [...speed].sort((a, b) => a - b)
    near(mean(speed), 59.93, 0.8, 'mean')
    near(std(speed), 26.63, 0.8, 'std')
    near(quantile(sorted, 0.25), 37.52, 1.5, 'Q1')
    near(quantile(sorted, 0.5), 58.46, 1.5, 'median')
    near(quantile(sorted, 0.75), 80.54, 1.5, 'Q3')
    assert.ok((sorted[0] as number) > 0 && (sorted[0] as number) < 12, `min ${sorted[0]} ≈ 6.7`)
    near(sorted.at(-1) as number, 163, 25, 'max')
    for (const w of ['Rainy', 'Snowy'])
      near(
        meanWhere(speed, (r) => r.Weather === w),
        56,
        1.2,
        `${w} speed`,
      )
    for (const w of ['Clear', 'Solar Flare', 'Electromagnetic Storm']) {
      near(
        meanWhere(speed, (r) => r.Weather === w),
        63,
        1.2,
        `${w} speed`,
      )
    }
    near(
      meanWhere(speed, (r) => r['Is Peak Hour'] === 1),
      62.3,
      1,
      'peak speed',
    )
    near(
      meanWhere(speed, (r) => r['Is Peak Hour'] === 0),
      59.5,
      1,
      'off-peak speed',
    )
    near(
      meanWhere(speed, (r) => r['Vehicle Type'] === 'Flying Car'),
      57.1,
      1.5,
      'Flying Car speed',
    )
    near(
      meanWhere(speed, (r) => r['Vehicle Type'] === 'Drone'),
      60.6,
      1.2,
      'Drone speed',
    )
  })

  it('follows Energy ≈ Speed × vehicle factor × multiplier within 1 % on ~84 % of rows', () => {
    const factor = { Car: 1, 'Autonomous Vehicle': 0.8, Drone: 0.5, 'Flying Car': 1.2 }
    const within = rowShare((r) => {
      const expected = r.Speed * factor[r['Vehicle Type']]
      const multipliers = ['AquaCity', 'Ecoopolis', 'SolarisVille'].includes(r.City)
        ? [1, 1.111]
        : [(['Clear', 'Solar Flare'].includes(r.Weather) ? 1.136 : 1.196) * (r['Is Peak Hour'] ? 0.8 : 1)]
      return multipliers.some((m) => Math.abs(r['Energy Consumption'] - expected * m) <= 0.01 * expected * m)
    })
    near(within, 0.84, 0.02, 'share within 1 % of the rule')
    near(correlation(energy, speed), 0.84, 0.03, 'corr(Energy, Speed)')
    near(mean(energy), 49.45, 1.5, 'Energy mean')
    near(std(energy), 25.27, 1.5, 'Energy std')
  })

  it('gives Traffic Density the profile distribution (mean 0.2771, std 0.2192, bands 35.6/28.2/36.3 %)', () => {
    const sorted = [...density].sort((a, b) => a - b)
    near(mean(density), 0.2771, 0.004, 'mean')
    near(std(density), 0.2192, 0.008, 'std')
    near(quantile(sorted, 0.25), 0.1059, 0.008, 'Q1')
    near(quantile(sorted, 0.5), 0.2186, 0.015, 'median')
    near(quantile(sorted, 0.75), 0.3961, 0.012, 'Q3')
    assert.ok((sorted[0] as number) > 0 && (sorted[0] as number) < 0.02, `min ${sorted[0]} ≈ 0.006`)
    assert.ok((sorted.at(-1) as number) > 1.5, `rare high values (max ${sorted.at(-1)}, real 3.38)`)
    near(
      share(density, (d) => d <= 0.15),
      0.356,
      0.015,
      'share ≤ 0.15',
    )
    near(
      share(density, (d) => d > 0.15 && d <= 0.3),
      0.282,
      0.015,
      'share 0.15–0.30',
    )
    near(
      share(density, (d) => d > 0.3),
      0.363,
      0.015,
      'share > 0.30',
    )
    assert.ok(Math.abs(correlation(energy, density)) < 0.03, 'Energy and density are uncorrelated')
  })

  it('keeps the profile mean density by city, weather, peak and hour', () => {
    const byCity = {
      MetropolisX: 0.462,
      AquaCity: 0.447,
      SolarisVille: 0.291,
      TechHaven: 0.196,
      Ecoopolis: 0.193,
      Neuroburg: 0.074,
    }
    for (const c of CITIES)
      near(
        meanWhere(density, (r) => r.City === c),
        byCity[c],
        0.008,
        c,
      )
    const byWeather = {
      Clear: 0.296,
      'Electromagnetic Storm': 0.291,
      Snowy: 0.268,
      Rainy: 0.268,
      'Solar Flare': 0.263,
    }
    for (const w of WEATHERS)
      near(
        meanWhere(density, (r) => r.Weather === w),
        byWeather[w],
        0.006,
        w,
      )
    near(
      meanWhere(density, (r) => r['Is Peak Hour'] === 1),
      0.29,
      0.006,
      'peak',
    )
    near(
      meanWhere(density, (r) => r['Is Peak Hour'] === 0),
      0.275,
      0.004,
      'off-peak',
    )
    const atHours = (...hours: number[]) => meanWhere(density, (r) => hours.includes(r['Hour Of Day']))
    near(atHours(7, 8), 0.29, 0.008, 'hours 7–8')
    near(atHours(15, 16), 0.265, 0.008, 'hours 15–16')
  })

  it('makes density learnable from the features, like the real file (boosting R² 0.76–0.78)', () => {
    const withCity = (key: (r: TrafficRecord) => string | number) => (r: TrafficRecord) =>
      `${r.City}|${key(r)}`
    const r2 = additiveModelR2(rows, (r) => r['Traffic Density'], [
      withCity((r) => r['Hour Of Day']),
      withCity((r) => r.Weather),
      withCity((r) => r['Economic Condition']),
      withCity((r) => r['Vehicle Type']),
      withCity((r) => r['Is Peak Hour']),
      withCity((r) => r['Random Event Occurred']),
      withCity((r) => Math.floor(r.Speed / 10)),
    ])
    near(r2, 0.77, 0.04, 'out-of-sample R² of an additive model')
  })

  it('is deterministic: same seed → same bytes, different seed → different rows', () => {
    const csv = (seed: number) => {
      const source = createSyntheticSource(seed)
      return Array.from({ length: 5000 }, () => encodeCsvLine(source())).join('\n')
    }
    assert.equal(csv(7), csv(7))
    assert.equal(csv(42), rows.slice(0, 5000).map(encodeCsvLine).join('\n'))
    assert.notEqual(csv(7), csv(8))
  })
})
