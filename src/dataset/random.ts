// A small seeded pseudo-random generator, so a synthetic data set is the same for the same seed on every
// machine and Node version (Math.random cannot be seeded). Algorithm: xoshiro128** (Blackman & Vigna), with its
// 128-bit state filled from the seed by splitmix32, as its authors recommend.

export class Random {
  private a: number
  private b: number
  private c: number
  private d: number
  /** Box–Muller yields normals in pairs; the second one waits here. */
  private spareNormal: number | undefined

  constructor(seed: number) {
    let s = seed >>> 0
    const splitmix32 = (): number => {
      s = (s + 0x9e3779b9) | 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = splitmix32()
    this.b = splitmix32()
    this.c = splitmix32()
    this.d = splitmix32()
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0
    const t = this.b << 9
    this.c ^= this.a
    this.d ^= this.b
    this.b ^= this.c
    this.a ^= this.d
    this.c ^= t
    this.d = rotl(this.d, 11)
    return result
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.uniform()
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.uniform() * n)
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.uniform() < p
  }

  /** Standard normal (mean 0, std 1). */
  normal(): number {
    const spare = this.spareNormal
    if (spare !== undefined) {
      this.spareNormal = undefined
      return spare
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()))
    const angle = 2 * Math.PI * this.uniform()
    this.spareNormal = radius * Math.sin(angle)
    return radius * Math.cos(angle)
  }

  /** An index drawn from cumulative weights ending at 1 (see `cumulative`). */
  pick(cumulativeWeights: Float64Array): number {
    const u = this.uniform()
    const last = cumulativeWeights.length - 1
    for (let i = 0; i < last; i++) if (u < (cumulativeWeights[i] as number)) return i
    return last
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

/** Cumulative, normalised weights for `Random.pick`. */
export function cumulative(weights: readonly number[]): Float64Array {
  const total = weights.reduce((sum, w) => sum + w, 0)
  const result = new Float64Array(weights.length)
  let running = 0
  weights.forEach((w, i) => {
    running += w / total
    result[i] = running
  })
  return result
}
