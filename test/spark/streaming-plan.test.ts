// The Structured Streaming builders: the exact Spark Connect messages for a streaming read, a watermark,
// observed metrics, a grouped aggregate, starting a query and asking about it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as plan from '../../src/spark/plan.ts'
import { progressRates } from '../../src/spark/streaming.ts'

const input = plan.sql('SELECT * FROM t')

test('readStream is a DataSource read marked as streaming', () => {
  assert.deepEqual(plan.readStream('kafka', { subscribe: 'topic' }), {
    read: {
      data_source: { format: 'kafka', options: { subscribe: 'topic' }, paths: [] },
      is_streaming: true,
    },
  })
})

test('withWatermark names the event-time column and the delay', () => {
  assert.deepEqual(plan.withWatermark(input, 'event_time', '10 minutes'), {
    with_watermark: { input, event_time: 'event_time', delay_threshold: '10 minutes' },
  })
})

test('observe collects named metrics from SQL expressions', () => {
  assert.deepEqual(plan.observe(input, 'live_input', ['count(1) AS rows']), {
    collect_metrics: {
      input,
      name: 'live_input',
      metrics: [{ expression_string: { expression: 'count(1) AS rows' } }],
    },
  })
})

test('groupBy sends keys and aggregates, and needs an aggregate', () => {
  const relation = plan.groupBy(input, ["window(t, '1 hour')", 'city'], ['count(1) AS rows'])
  assert.deepEqual(relation.aggregate?.grouping_expressions, [
    { expression_string: { expression: "window(t, '1 hour')" } },
    { expression_string: { expression: 'city' } },
  ])
  assert.equal(relation.aggregate?.group_type, 'GROUP_TYPE_GROUPBY')
  assert.throws(() => plan.groupBy(input, ['city'], []), /at least one aggregate/)
})

test('writeStreamStart carries sink, options, output mode, trigger and query name', () => {
  const command = plan.writeStreamStart(input, {
    format: 'kafka',
    options: { topic: 'out', checkpointLocation: '/tmp/ck' },
    outputMode: 'update',
    trigger: '1 second',
    queryName: 'q',
  })
  assert.deepEqual(command, {
    write_stream_operation_start: {
      input,
      format: 'kafka',
      options: { topic: 'out', checkpointLocation: '/tmp/ck' },
      processing_time_interval: '1 second',
      output_mode: 'update',
      query_name: 'q',
    },
  })
})

test('a streaming query command names the query instance and sets exactly one action', () => {
  const query = { id: 'a', run_id: 'b' }
  for (const action of ['status', 'last_progress', 'recent_progress', 'stop', 'exception'] as const) {
    assert.deepEqual(plan.streamingQueryCommand(query, action), {
      streaming_query_command: { query_id: query, [action]: true },
    })
  }
  assert.deepEqual(plan.activeStreamingQueries(), { streaming_query_manager_command: { active: true } })
})

test('progressRates sums rows and rates over the sources, as the server reports them per source', () => {
  const source = {
    description: 'KafkaV2',
    numInputRows: 2193,
    inputRowsPerSecond: 498,
    processedRowsPerSecond: 512.5,
  }
  const progress = { id: 'a', runId: 'b', name: 'q', timestamp: '', batchId: 7, sources: [source, source] }
  assert.deepEqual(progressRates(progress), {
    numInputRows: 4386,
    inputRowsPerSecond: 996,
    processedRowsPerSecond: 1025,
  })
  assert.deepEqual(progressRates({ ...progress, sources: undefined }), {
    numInputRows: 0,
    inputRowsPerSecond: 0,
    processedRowsPerSecond: 0,
  })
})
