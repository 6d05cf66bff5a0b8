// CSV → topic on the real broker: rejects, --limit, --rate, and a broker restart in the middle of a run.
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { describe, it } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { CSV_HEADER } from '../../src/contract/csv.ts'
import { startEngines, stopEngines } from '../../src/engines/lifecycle.ts'
import { produceCsvToTopic } from '../../src/stream/produce.ts'
import { until } from '../fixtures/wait.ts'
import { clients, config, csvLines, generateCsv, readTopic, rowsAsCsvLines, scenario } from './helpers.ts'

describe('produce: CSV → topic', () => {
  it('sends every valid row as JSON and sets bad rows aside with their line number and reason', async () => {
    const s = await scenario('rejects')
    const good = [
      'SolarisVille,Drone,Snowy,Stable,Sunday,20,29.4268,0,0,14.7134,0.5241',
      'AquaCity,Flying Car,Solar Flare,Recession,Wednesday,2,118.8000,0,0,143.5682,0.3208',
      'Neuroburg,Autonomous Vehicle,Solar Flare,Recession,Wednesday,16,100.3904,0,0,91.2640,0.0415',
      'Ecoopolis,Drone,Clear,Booming,Thursday,8,76.8000,1,0,46.0753,0.1811',
    ]
    const bad = [
      'Atlantis,Drone,Snowy,Stable,Sunday,20,29.4268,0,0,14.7134,0.5241',
      'AquaCity,Drone,Snowy,Stable,Sunday,25,29.4268,0,0,14.7134,0.5241',
      'AquaCity,Drone,Snowy,Stable,Sunday,20,fast,0,0,14.7134,0.5241',
      'AquaCity,Drone,Snowy,Stable',
    ]
    // Lines: 1 header, then good/bad alternating → bad rows on lines 3, 5, 7, 9.
    const lines = good.flatMap((line, i) => [line, bad[i] as string])
    const file = `${s.work}/mixed.csv`
    await writeFile(file, `${CSV_HEADER}\n${lines.join('\n')}\n`)

    const rejectsFile = `${s.work}/rejects.jsonl`
    const stats = await produceCsvToTopic(clients, { file, topic: s.topic, partitions: 1, rejectsFile })
    assert.deepEqual([stats.sent, stats.rejected, stats.topicCreated], [4, 4, true])

    const rejects = (await readFile(rejectsFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    assert.deepEqual(
      rejects.map((r) => [r.line, r.text]),
      bad.map((text, i) => [3 + 2 * i, text]),
    )
    assert.match(rejects[0].reason, /City must be one of/)
    assert.match(rejects[1].reason, /Hour Of Day must be an integer 0–23/)
    assert.match(rejects[2].reason, /Speed must be a finite number/)
    assert.match(rejects[3].reason, /expected 11 columns, got 4/)

    const messages = await readTopic(s.topic)
    assert.deepEqual(rowsAsCsvLines(messages), [...good].sort())
    // Keys are the 11 column names, numbers are JSON numbers.
    assert.deepEqual(JSON.parse(messages[0]?.value?.toString() ?? ''), {
      City: 'SolarisVille',
      'Vehicle Type': 'Drone',
      Weather: 'Snowy',
      'Economic Condition': 'Stable',
      'Day Of Week': 'Sunday',
      'Hour Of Day': 20,
      Speed: 29.4268,
      'Is Peak Hour': 0,
      'Random Event Occurred': 0,
      'Energy Consumption': 14.7134,
      'Traffic Density': 0.5241,
    })
  })

  it('stops after --limit rows and replays at --rate rows per second', async () => {
    const s = await scenario('rate')
    const csv = await generateCsv(s.work, 20_000, 31)
    const stats = await produceCsvToTopic(clients, {
      file: csv,
      topic: s.topic,
      partitions: 2,
      rejectsFile: `${s.work}/r`,
      limit: 6_000,
      rate: 3_000,
    })
    assert.equal(stats.sent, 6_000)
    // Only the floor the rate sets: how much longer a run takes depends on the machine (see bench/).
    assert.ok(stats.seconds >= 1.8, `6000 rows at 3000/s took only ${stats.seconds} s`)
    const messages = await readTopic(s.topic)
    assert.equal(messages.length, 6_000)
    assert.deepEqual(new Set(messages.map((m) => m.partition)), new Set([0, 1]))
  })

  it('a broker restart in the middle of a run: the topic ends up with every row exactly once', async (t) => {
    if (!config.kafka.local) {
      t.skip('KAFKA_BROKERS points at an external cluster: this test restarts the local broker')
      return
    }
    const s = await scenario('restart')
    const csv = await generateCsv(s.work, 200_000, 41)
    let acknowledged = 0
    const run = produceCsvToTopic(clients, {
      file: csv,
      topic: s.topic,
      partitions: 1,
      rejectsFile: `${s.work}/r`,
      rate: 25_000,
      onProgress: (progress) => {
        acknowledged = progress.sent
      },
    })
    await until('20,000 rows are acknowledged', () => acknowledged >= 20_000)
    const sentBeforeStop = acknowledged
    assert.ok(sentBeforeStop < 200_000, 'the broker is stopped while the run goes on')
    // Stop and start the broker only; a running Spark server is left alone.
    const stopped = await stopEngines(config, new Set(['Spark Connect']))
    assert.ok(stopped.some((e) => e.name === 'Kafka' && (e.action === 'stopped' || e.action === 'killed')))
    const started = await startEngines(loadConfig({ sparkRemote: config.spark.remote }))
    assert.ok(started.some((e) => e.name === 'Kafka' && e.healthy))

    const stats = await run
    assert.equal(stats.sent, 200_000)
    const messages = await readTopic(s.topic)
    t.diagnostic(
      `${messages.length} messages on the topic; the broker was stopped after ${sentBeforeStop} were acknowledged`,
    )
    assert.equal(messages.length, 200_000)
    assert.deepEqual(rowsAsCsvLines(messages), await csvLines(csv))
  })
})
