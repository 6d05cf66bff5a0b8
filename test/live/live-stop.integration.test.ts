// A stop must always end `traffic live` within seconds, even when the Spark Connect server no longer answers
// (SIGSTOP: the socket stays open, nothing comes back): SIGTERM ends the command, which says what it could not
// finish. The test stalls the test run's own Spark Connect server for those few seconds only (SIGCONT in a
// finally), then stops the queries the stalled run had to leave behind.
import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import { engineStatuses } from '../../src/engines/lifecycle.ts'
import { connectLiveSession, liveDir } from '../../src/live/session.ts'
import { startTraffic } from '../fixtures/cli.ts'
import { cleanUp, config, generateCsv, tempDir, unique } from '../stream/helpers.ts'

const LEFT_RUNNING =
  /could not finish stopping the live queries: no answer within [\d.]+ s \(.*session ([0-9a-f-]{36})/

test('traffic live ends soon after SIGTERM while Spark Connect is stalled, saying what it could not finish', {
  skip: !config.spark.local && 'SPARK_REMOTE points at a server this test cannot stall',
}, async () => {
  const pid = (await engineStatuses(config)).find((engine) => engine.name === 'Spark Connect')?.pid
  assert.ok(pid !== undefined, 'the test run’s Spark Connect server is running')
  const work = await tempDir('live-stop')
  const topics = [unique('live-stop'), unique('live-stop-windows'), unique('live-stop-alerts')]
  const [topic, windowsTopic, alertsTopic] = topics as [string, string, string]
  const live = startTraffic(['live', '--duration', '600', '--rate', '200', '--clock', '3600'], {
    TRAFFIC_DATASET: await generateCsv(work, 2000, 11),
    TRAFFIC_MODELS: path.join(work, 'models'),
    KAFKA_TOPIC: topic,
    LIVE_WINDOWS_TOPIC: windowsTopic,
    LIVE_ALERTS_TOPIC: alertsTopic,
  })
  let stalled = false
  try {
    // The first progress line: the queries run and the replay has begun.
    await live.printed(/^clock /m)
    process.kill(pid, 'SIGSTOP')
    stalled = true
    live.child.kill('SIGTERM')
    const code = await live.exited
    const output = live.output()
    assert.equal(code, 0, output)
    assert.match(output, LEFT_RUNNING)
    assert.match(output, /live replay stopped/)
  } finally {
    if (stalled) process.kill(pid, 'SIGCONT')
    live.child.kill('SIGKILL')
    const own = { ...config, kafka: { ...config.kafka, topic } }
    const sessionId = LEFT_RUNNING.exec(live.output())?.[1]
    if (sessionId) {
      const spark = await connectLiveSession(own, sessionId)
      for (const query of await spark.activeStreams()) await query.stop()
      await spark.close()
    }
    await cleanUp({ topics, dirs: [work, liveDir(own)] })
  }
})
