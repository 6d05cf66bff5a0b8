// Small statistics for the generator tests (population formulas; quantiles by nearest rank).

export function mean(values: readonly number[]): number {
  let sum = 0
  for (const x of values) sum += x
  return sum / values.length
}

export function std(values: readonly number[]): number {
  const m = mean(values)
  let sum = 0
  for (const x of values) sum += (x - m) ** 2
  return Math.sqrt(sum / values.length)
}

/** Quantile q ∈ [0, 1] of already sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))] as number
}

export function correlation(a: readonly number[], b: readonly number[]): number {
  const ma = mean(a)
  const mb = mean(b)
  let cov = 0
  let va = 0
  let vb = 0
  for (let i = 0; i < a.length; i++) {
    const da = (a[i] as number) - ma
    const db = (b[i] as number) - mb
    cov += da * db
    va += da * da
    vb += db * db
  }
  return cov / Math.sqrt(va * vb)
}

/** Share of items for which `test` holds. */
export function share<T>(items: readonly T[], test: (item: T) => boolean): number {
  let count = 0
  for (const item of items) if (test(item)) count++
  return count / items.length
}

/**
 * Out-of-sample R² of an additive model y ≈ Σ_g f_g(key_g(x)) fitted by backfitting on the first `trainShare` of
 * the rows and scored on the rest: a simple, transparent learner that shows how much of `y` the features explain.
 */
export function additiveModelR2<T>(
  rows: readonly T[],
  target: (row: T) => number,
  groups: readonly ((row: T) => string)[],
  trainShare = 0.8,
): number {
  const n = rows.length
  const train = Math.floor(n * trainShare)
  const y = rows.map(target)
  const keys = groups.map((key) => rows.map(key))
  const contributions = groups.map(() => new Float64Array(n))
  const base = mean(y.slice(0, train))
  for (let round = 0; round < 6; round++) {
    groups.forEach((_, g) => {
      const sums = new Map<string, { sum: number; count: number }>()
      for (let i = 0; i < train; i++) {
        let residual = (y[i] as number) - base
        contributions.forEach((c, o) => {
          if (o !== g) residual -= c[i] as number
        })
        const key = keys[g]?.[i] as string
        const entry = sums.get(key) ?? { sum: 0, count: 0 }
        entry.sum += residual
        entry.count++
        sums.set(key, entry)
      }
      const own = contributions[g] as Float64Array
      for (let i = 0; i < n; i++) {
        const entry = sums.get(keys[g]?.[i] as string)
        own[i] = entry ? entry.sum / entry.count : 0
      }
    })
  }
  const test = y.slice(train)
  const testMean = mean(test)
  let residual = 0
  let total = 0
  for (let i = train; i < n; i++) {
    let prediction = base
    for (const c of contributions) prediction += c[i] as number
    residual += ((y[i] as number) - prediction) ** 2
    total += ((y[i] as number) - testMean) ** 2
  }
  return 1 - residual / total
}
