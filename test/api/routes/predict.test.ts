// The seed's three endpoints and their batch forms over real HTTP: exact keys and rounding, every kind of bad input
// → 400 naming the field, 503 without a model.
import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { round4 } from '../../../src/api/predictions.ts'
import { type ErrorResponse, MAX_BATCH_ROWS, type PeakHourResponse } from '../../../src/api/schemas.ts'
import { SEED_EXAMPLES } from '../../../src/api/seed-examples.ts'
import { compileEvaluator } from '../../../src/serving/evaluator.ts'
import { inputColumnsOf, SERVED_MODELS } from '../../../src/serving/model-catalog.ts'
import { readPipelineModel } from '../../../src/serving/pipeline-model.ts'
import { modelsFolder, type RunningApi, startApi } from '../fixtures.ts'

/** The example: the full 11-column record (keys an endpoint does not use are ignored). */
const FULL_RECORD = {
  City: 'MetropolisX',
  'Vehicle Type': 'Car',
  Weather: 'Rainy',
  'Economic Condition': 'Booming',
  'Day Of Week': 'Monday',
  'Hour Of Day': 8,
  Speed: 45.5,
  'Is Peak Hour': 1,
  'Random Event Occurred': 0,
  'Energy Consumption': 60.2,
  'Traffic Density': 0.31,
}

const valid = { ...SEED_EXAMPLES.energy_consumption }

/** A pattern matching `text` and nothing else. */
function exactly(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
}

function assertNamesField(
  answer: { status: number; json: ErrorResponse },
  field: string | null,
  pattern: RegExp,
): void {
  assert.equal(answer.status, 400, JSON.stringify(answer.json))
  assert.equal(typeof answer.json.error, 'string')
  const detail = answer.json.details?.find((d) => d.field === field)
  assert.ok(detail, `no detail for ${field}: ${JSON.stringify(answer.json)}`)
  assert.match(detail.message, pattern)
  if (field) assert.ok(answer.json.error.includes(field), answer.json.error)
}

describe('without models', () => {
  const folder = modelsFolder(false)
  let api: RunningApi
  before(async () => {
    api = await startApi(folder.dir)
  })
  after(async () => {
    await api.close()
    folder.cleanup()
  })

  test('each endpoint answers 503 with an error saying the model is not loaded', async () => {
    for (const spec of SERVED_MODELS) {
      const single = await api.post<ErrorResponse>(`/predict_${spec.id}`, SEED_EXAMPLES[spec.id])
      assert.equal(single.status, 503)
      assert.match(
        single.json.error,
        new RegExp(`The ${spec.target} model is not loaded: no saved model in .*${spec.folder}`),
      )
      const batch = await api.post<ErrorResponse>(`/predict/${spec.id}/batch`, [SEED_EXAMPLES[spec.id]])
      assert.equal(batch.status, 503)
    }
  })

  test('malformed JSON and empty bodies are 400, not 500', async () => {
    const malformed = await api.post<ErrorResponse>('/predict_energy_consumption', '{"City": ')
    assert.equal(malformed.status, 400)
    assert.match(malformed.json.error, /Malformed JSON/)
    const empty = await api.post<ErrorResponse>('/predict_energy_consumption', '')
    assert.equal(empty.status, 400)
    assert.match(empty.json.error, /Empty body/)
  })

  test('a missing field is named with what it must be', async () => {
    const { Speed: _, ...noSpeed } = valid
    assertNamesField(
      await api.post('/predict_energy_consumption', noSpeed),
      'Speed',
      /^is missing \(must be a finite number 0–500 \(its plausible range\)\)$/,
    )
  })

  test('wrong types are 400 naming the field (no coercion: "15" is not an hour)', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['Hour Of Day', '15', /must be an integer 0–23 \(got a string "15"\)/],
      ['Speed', '80', /must be a finite number 0–500 \(its plausible range\) \(got a string "80"\)/],
      ['Is Peak Hour', true, /must be 0 or 1 \(got a boolean true\)/],
      ['City', 7, /must be one of: .* \(got a number 7\)/],
      ['Traffic Density', null, /must be a finite number 0–50 \(its plausible range\) \(got null\)/],
      ['Weather', ['Rainy'], /must be one of: .* \(got an array\)/],
    ]
    for (const [field, value, pattern] of cases) {
      assertNamesField(
        await api.post('/predict_energy_consumption', { ...valid, [field]: value }),
        field,
        pattern,
      )
    }
  })

  test('out-of-range values are 400 naming the field', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['Hour Of Day', 24, /integer 0–23 \(got 24\)/],
      ['Hour Of Day', -1, /integer 0–23 \(got -1\)/],
      ['Hour Of Day', 7.5, /integer 0–23 \(got 7.5\)/],
      ['Speed', -0.1, /0–500 \(its plausible range\) \(got -0.1\)/],
      ['Traffic Density', -2, /0–50 \(its plausible range\) \(got -2\)/],
      ['Is Peak Hour', 2, /must be 0 or 1 \(got 2\)/],
      ['Random Event Occurred', 0.5, /must be 0 or 1 \(got 0.5\)/],
    ]
    for (const [field, value, pattern] of cases) {
      assertNamesField(
        await api.post('/predict_energy_consumption', { ...valid, [field]: value }),
        field,
        pattern,
      )
    }
    const energy = await api.post<ErrorResponse>('/predict_traffic_density', {
      ...SEED_EXAMPLES.traffic_density,
      'Energy Consumption': -5,
    })
    assertNamesField(energy, 'Energy Consumption', /0–1000 \(its plausible range\) \(got -5\)/)
    // JSON.parse turns 1e400 into Infinity; it is not a finite number.
    const infinite = await api.post<ErrorResponse>(
      '/predict_energy_consumption',
      JSON.stringify(valid).replace('"Speed":80', '"Speed":1e400'),
    )
    assertNamesField(infinite, 'Speed', /finite number 0–500 \(its plausible range\) \(got Infinity\)/)
  })

  test('measures beyond their plausible range are 400 naming the field and the range', async () => {
    // model, field, value, the plausible range and the value as the message shows it
    const cases: [keyof typeof SEED_EXAMPLES, string, number, string, string][] = [
      ['energy_consumption', 'Speed', 1e308, '0–500', '1e+308'],
      ['energy_consumption', 'Speed', 1e7, '0–500', '10000000'],
      ['energy_consumption', 'Speed', 500.001, '0–500', '500.001'],
      ['energy_consumption', 'Traffic Density', 51, '0–50', '51'],
      ['traffic_density', 'Energy Consumption', 1000.5, '0–1000', '1000.5'],
      ['is_peak_hour', 'Traffic Density', 1e9, '0–50', '1000000000'],
    ]
    for (const [model, field, value, range, shown] of cases) {
      const body = { ...SEED_EXAMPLES[model], [field]: value }
      const message = `must be a finite number ${range} (its plausible range) (got ${shown})`
      assertNamesField(await api.post(`/predict_${model}`, body), field, exactly(message))
    }
    const batch = await api.post<ErrorResponse>('/predict/energy_consumption/batch', [
      valid,
      { ...valid, Speed: 1e7 },
    ])
    assert.equal(batch.status, 400)
    assert.match(
      batch.json.error,
      /row 1: Speed must be a finite number 0–500 \(its plausible range\) \(got 10000000\)/,
    )
  })

  test('an unknown category lists the allowed values', async () => {
    assertNamesField(
      await api.post('/predict_is_peak_hour', { ...SEED_EXAMPLES.is_peak_hour, City: 'Atlantis' }),
      'City',
      /^must be one of: AquaCity, Ecoopolis, MetropolisX, Neuroburg, SolarisVille, TechHaven \(got "Atlantis"\)$/,
    )
  })

  test('every bad field is reported at once; a non-object body is named as a whole', async () => {
    const many = await api.post<ErrorResponse>('/predict_energy_consumption', {
      ...valid,
      City: 'X',
      'Hour Of Day': 99,
    })
    assert.deepEqual(
      many.json.details?.map((d) => d.field),
      ['City', 'Hour Of Day'],
    )
    for (const body of ['[1, 2]', '"text"', '42', 'null']) {
      assertNamesField(
        await api.post('/predict_energy_consumption', body),
        null,
        /^expected a JSON object with the fields City, /,
      )
    }
  })

  test('batch errors name the row index and the field; oversized batches are refused', async () => {
    const rows = [valid, { ...valid, Speed: 'fast' }, valid, { ...valid, City: 'Atlantis' }]
    const answer = await api.post<ErrorResponse>('/predict/energy_consumption/batch', rows)
    assert.equal(answer.status, 400)
    assert.deepEqual(
      answer.json.details?.map((d) => [d.index, d.field]),
      [
        [1, 'Speed'],
        [3, 'City'],
      ],
    )
    assert.match(answer.json.error, /row 1: Speed must be a finite number/)
    const notArray = await api.post<ErrorResponse>('/predict/energy_consumption/batch', valid)
    assertNamesField(notArray, null, /expected a JSON array of records \(got object\)/)
    const tooMany = await api.post<ErrorResponse>(
      '/predict/energy_consumption/batch',
      new Array(MAX_BATCH_ROWS + 1).fill(valid),
    )
    assert.equal(tooMany.status, 413)
    assert.match(tooMany.json.error, new RegExp(`at most ${MAX_BATCH_ROWS} rows`))
  })
})

describe('with Spark-written models', () => {
  const folder = modelsFolder(true)
  let api: RunningApi
  before(async () => {
    api = await startApi(folder.dir)
  })
  after(async () => {
    await api.close()
    folder.cleanup()
  })

  async function expected(id: (typeof SERVED_MODELS)[number]['id'], record: Record<string, unknown>) {
    const spec = SERVED_MODELS.find((model) => model.id === id) as (typeof SERVED_MODELS)[number]
    const evaluator = compileEvaluator(
      await readPipelineModel(path.join(folder.dir, spec.folder)),
      inputColumnsOf(spec),
    )
    return evaluator.predict(record)
  }

  test('the seed README examples get the seed keys, values rounded to 4 decimals like Python', async () => {
    const density = await api.post<Record<string, number>>(
      '/predict_traffic_density',
      SEED_EXAMPLES.traffic_density,
    )
    assert.equal(density.status, 200)
    assert.deepEqual(Object.keys(density.json), ['predicted_traffic_density'])
    assert.equal(
      density.json.predicted_traffic_density,
      round4((await expected('traffic_density', SEED_EXAMPLES.traffic_density)).prediction),
    )

    const energy = await api.post<Record<string, number>>(
      '/predict_energy_consumption',
      SEED_EXAMPLES.energy_consumption,
    )
    assert.equal(energy.status, 200)
    assert.deepEqual(Object.keys(energy.json), ['predicted_energy_consumption'])
    assert.equal(
      energy.json.predicted_energy_consumption,
      round4((await expected('energy_consumption', SEED_EXAMPLES.energy_consumption)).prediction),
    )

    const peak = await api.post<PeakHourResponse>('/predict_is_peak_hour', SEED_EXAMPLES.is_peak_hour)
    assert.equal(peak.status, 200)
    assert.deepEqual(Object.keys(peak.json), [
      'predicted_is_peak_hour',
      'label',
      'probability_of_predicted_class',
    ])
    const native = await expected('is_peak_hour', SEED_EXAMPLES.is_peak_hour)
    assert.equal(peak.json.predicted_is_peak_hour, native.prediction)
    assert.equal(peak.json.label, native.prediction === 1 ? 'Peak Hour' : 'Not Peak Hour')
    assert.equal(
      peak.json.probability_of_predicted_class,
      round4(native.probability?.[native.prediction] as number),
    )
    assert.ok(peak.json.probability_of_predicted_class >= 0.5)
  })

  test('the full 11-column record works on every endpoint (unused keys ignored)', async () => {
    for (const spec of SERVED_MODELS) {
      const answer = await api.post<Record<string, unknown>>(`/predict_${spec.id}`, {
        ...FULL_RECORD,
        extra: 'ignored',
      })
      assert.equal(answer.status, 200, JSON.stringify(answer.json))
      const value = Object.values(answer.json).find((v) => typeof v === 'number' && !Number.isInteger(v)) as
        | number
        | undefined
      if (value !== undefined) assert.equal(value, round4(value))
    }
  })

  test('the edges of the plausible ranges are predicted', async () => {
    const edges = { Speed: 500, 'Traffic Density': 50 }
    const answer = await api.post<Record<string, number>>('/predict_energy_consumption', {
      ...SEED_EXAMPLES.energy_consumption,
      ...edges,
    })
    assert.equal(answer.status, 200, JSON.stringify(answer.json))
    assert.ok(Number.isFinite(answer.json.predicted_energy_consumption))
  })

  test('a batch answers every row in order, equal to the single endpoint', async () => {
    const rows = Array.from({ length: 24 }, (_, hour) => ({
      ...SEED_EXAMPLES.is_peak_hour,
      'Hour Of Day': hour,
    }))
    const batch = await api.post<PeakHourResponse[]>('/predict/is_peak_hour/batch', rows)
    assert.equal(batch.status, 200)
    assert.equal(batch.json.length, 24)
    for (const hour of [0, 8, 17, 23]) {
      const single = await api.post<PeakHourResponse>('/predict_is_peak_hour', rows[hour])
      assert.deepEqual(batch.json[hour], single.json)
    }
    const none = await api.post<unknown[]>('/predict/is_peak_hour/batch', [])
    assert.deepEqual(none, { status: 200, json: [] })
  })
})
