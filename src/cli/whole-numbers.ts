// Whole-number flags: one set of bounds per kind of option, so a flag means the same in every command
// (`up --depth` and `train --depth`, `up --seed` and `generate --seed`).
import { InvalidArgumentError } from 'commander'
import { TrafficError } from '../errors.ts'

export interface Bounds {
  min: number
  max: number
}

/** Rows, partitions, rows per second, seconds: anything counted from 1. */
export const COUNT: Bounds = { min: 1, max: Number.MAX_SAFE_INTEGER }
/** The synthetic data set's seed (the generator takes 32 bits). */
export const DATA_SEED: Bounds = { min: 0, max: 0xffffffff }
/** Spark's seed of the held-out split and the learners (a Java int on the server). */
export const TRAINING_SEED: Bounds = { min: 0, max: 2 ** 31 - 1 }
/** Trees per forest or GBT iterations. */
export const TREES: Bounds = { min: 1, max: 1000 }
/** Spark's tree depth limit is 30. */
export const DEPTH: Bounds = { min: 0, max: 30 }
/** Bins for continuous features: at least the largest category count. */
export const BINS: Bounds = { min: 8, max: 4096 }
/** The API's port; 0 lets the system pick a free one. */
export const API_PORT: Bounds = { min: 0, max: 65_535 }
/** The UI's port: fixed, since its address is the origin the API allows. */
export const UI_PORT: Bounds = { min: 1, max: 65_535 }

function describe({ min, max }: Bounds): string {
  return max === Number.MAX_SAFE_INTEGER ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`
}

function parse(raw: string, { min, max }: Bounds): number | undefined {
  const value = Number(raw)
  return /^\d+$/.test(raw.trim()) && Number.isSafeInteger(value) && value >= min && value <= max
    ? value
    : undefined
}

/** `raw` as a whole number within `bounds`, or an INVALID_INPUT error naming `flag`. */
export function wholeNumber(flag: string, raw: string, bounds: Bounds): number {
  const value = parse(raw, bounds)
  if (value === undefined) {
    throw new TrafficError('INVALID_INPUT', `${flag} must be ${describe(bounds)}, got "${raw}"`)
  }
  return value
}

/** A commander option parser for `bounds` (commander names the flag and the bad value). */
export function wholeNumberOption(bounds: Bounds): (raw: string) => number {
  return (raw) => {
    const value = parse(raw, bounds)
    if (value === undefined) throw new InvalidArgumentError(`expected ${describe(bounds)}.`)
    return value
  }
}

/** The parser of counted flags (`--rows`, `--partitions`, `--rate`, …). */
export const count = wholeNumberOption(COUNT)
