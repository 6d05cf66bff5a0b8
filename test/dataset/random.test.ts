import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { cumulative, Random } from '../../src/dataset/random.ts'

function draws(random: Random, n: number, draw: (r: Random) => number): number[] {
  return Array.from({ length: n }, () => draw(random))
}

describe('Random', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = draws(new Random(42), 100, (r) => r.nextUint32())
    assert.deepEqual(
      draws(new Random(42), 100, (r) => r.nextUint32()),
      a,
    )
    assert.notDeepEqual(
      draws(new Random(43), 100, (r) => r.nextUint32()),
      a,
    )
    assert.ok(a.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32))
  })

  it('draws uniforms in [0, 1) with mean 1/2 and variance 1/12', () => {
    const u = draws(new Random(1), 200_000, (r) => r.uniform())
    assert.ok(u.every((x) => x >= 0 && x < 1))
    const mean = u.reduce((s, x) => s + x, 0) / u.length
    const variance = u.reduce((s, x) => s + (x - mean) ** 2, 0) / u.length
    assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`)
    assert.ok(Math.abs(variance - 1 / 12) < 0.002, `variance ${variance}`)
  })

  it('draws standard normals', () => {
    const z = draws(new Random(2), 200_000, (r) => r.normal())
    const mean = z.reduce((s, x) => s + x, 0) / z.length
    const sd = Math.sqrt(z.reduce((s, x) => s + (x - mean) ** 2, 0) / z.length)
    const within1 = z.filter((x) => Math.abs(x) < 1).length / z.length
    assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`)
    assert.ok(Math.abs(sd - 1) < 0.01, `sd ${sd}`)
    assert.ok(Math.abs(within1 - 0.6827) < 0.005, `share within ±1: ${within1}`)
  })

  it('picks indices in proportion to their weights', () => {
    const weights = cumulative([62.1, 25, 6.5, 6.4])
    assert.equal(weights[3], 1)
    const picks = draws(new Random(3), 200_000, (r) => r.pick(weights))
    const shares = [0, 1, 2, 3].map((i) => picks.filter((p) => p === i).length / picks.length)
    ;[0.621, 0.25, 0.065, 0.064].forEach((expected, i) => {
      assert.ok(Math.abs((shares[i] as number) - expected) < 0.005, `index ${i}: ${shares[i]}`)
    })
  })

  it('draws integers below n and events with the given chance', () => {
    const random = new Random(4)
    const hours = draws(random, 50_000, (r) => r.below(24))
    assert.ok(hours.every((h) => Number.isInteger(h) && h >= 0 && h < 24))
    assert.equal(new Set(hours).size, 24)
    const events = draws(random, 100_000, (r) => (r.chance(0.05) ? 1 : 0))
    assert.ok(Math.abs(events.reduce((s: number, x) => s + x, 0) / events.length - 0.05) < 0.003)
  })
})
