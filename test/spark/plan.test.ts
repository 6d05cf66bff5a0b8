import assert from 'node:assert/strict'
import { test } from 'node:test'
import { col, lit } from '../../src/spark/expressions.ts'
import * as plan from '../../src/spark/plan.ts'

const input = plan.sql('SELECT * FROM t')

test('readCsv sends an explicit DDL schema, header on by default, and the paths', () => {
  const relation = plan.readCsv('/data/batches', {
    schema: [
      { name: 'Vehicle Type', type: 'string' },
      { name: 'Speed', type: 'double', nullable: false },
    ],
    options: { mode: 'FAILFAST' },
  })
  assert.deepEqual(relation, {
    read: {
      data_source: {
        format: 'csv',
        schema: '`Vehicle Type` STRING, `Speed` DOUBLE NOT NULL',
        options: { header: 'true', mode: 'FAILFAST' },
        paths: ['/data/batches'],
      },
    },
  })
})

test('readCsv accepts a DDL string and several paths', () => {
  const relation = plan.readCsv(['a.csv', 'b.csv'], { schema: 'x INT, y STRING', header: false })
  assert.equal(relation.read?.data_source?.schema, 'x INT, y STRING')
  assert.deepEqual(relation.read?.data_source?.paths, ['a.csv', 'b.csv'])
  assert.equal(relation.read?.data_source?.options?.header, 'false')
})

test('select, filter and withColumns take SQL strings or expressions', () => {
  assert.deepEqual(plan.select(input, ['x + 1 AS y', col('z')]), {
    project: {
      input,
      expressions: [
        { expression_string: { expression: 'x + 1 AS y' } },
        { unresolved_attribute: { unparsed_identifier: '`z`' } },
      ],
    },
  })
  assert.deepEqual(plan.filter(input, 'x > 2'), {
    filter: { input, condition: { expression_string: { expression: 'x > 2' } } },
  })
  assert.deepEqual(plan.withColumns(input, { doubled: 'x * 2', one: lit(1) }), {
    with_columns: {
      input,
      aliases: [
        { expr: { expression_string: { expression: 'x * 2' } }, name: ['doubled'] },
        { expr: { literal: { integer: 1 } }, name: ['one'] },
      ],
    },
  })
  assert.throws(() => plan.select(input, []), { code: 'INVALID_ARGUMENT' })
})

test('limit and count build Limit and a global Aggregate of count(1)', () => {
  assert.deepEqual(plan.limit(input, 5), { limit: { input, limit: 5 } })
  assert.deepEqual(plan.count(input), {
    aggregate: {
      input,
      group_type: 'GROUP_TYPE_GROUPBY',
      grouping_expressions: [],
      aggregate_expressions: [
        {
          alias: {
            expr: {
              unresolved_function: {
                function_name: 'count',
                arguments: [{ literal: { integer: 1 } }],
                is_distinct: false,
              },
            },
            name: ['count'],
          },
        },
      ],
    },
  })
})

test('sample is a Sample from 0 to the fraction with a seed', () => {
  assert.deepEqual(plan.sample(input, { fraction: 0.2, seed: 7 }), {
    sample: {
      input,
      lower_bound: 0,
      upper_bound: 0.2,
      with_replacement: false,
      seed: 7,
      deterministic_order: false,
    },
  })
  assert.throws(() => plan.sample(input, { fraction: -1, seed: 1 }), { code: 'INVALID_ARGUMENT' })
})

test('randomSplit emits one deterministic Sample per weight over normalized cumulative bounds', () => {
  const parts = plan.randomSplit(input, [0.33, 0.33, 0.34], 12345)
  assert.equal(parts.length, 3)
  const bounds = parts.map((p) => [p.sample?.lower_bound, p.sample?.upper_bound])
  assert.deepEqual(bounds, [
    [0, 0.33],
    [0.33, 0.66],
    [0.66, 0.66 + 0.34],
  ])
  for (const part of parts) {
    assert.equal(part.sample?.seed, 12345)
    assert.equal(part.sample?.deterministic_order, true)
    assert.equal(part.sample?.with_replacement, false)
    assert.equal(part.sample?.input, input)
  }
  // Weights are normalized: [1, 3] splits at 0.25.
  assert.deepEqual(
    plan.randomSplit(input, [1, 3], '9').map((p) => [p.sample?.lower_bound, p.sample?.upper_bound]),
    [
      [0, 0.25],
      [0.25, 1],
    ],
  )
  assert.throws(() => plan.randomSplit(input, [], 1), { code: 'INVALID_ARGUMENT' })
  assert.throws(() => plan.randomSplit(input, [1, -1], 1), { code: 'INVALID_ARGUMENT' })
  assert.throws(() => plan.randomSplit(input, [0, 0], 1), { code: 'INVALID_ARGUMENT' })
})

test('write is a WriteOperation command, overwrite by default', () => {
  assert.deepEqual(plan.write(input, { format: 'csv', path: '/out', options: { header: 'true' } }), {
    write_operation: {
      input,
      source: 'csv',
      path: '/out',
      mode: 'SAVE_MODE_OVERWRITE',
      options: { header: 'true' },
    },
  })
  assert.equal(
    plan.write(input, { format: 'text', path: '/o', mode: 'append' }).write_operation?.mode,
    'SAVE_MODE_APPEND',
  )
  assert.equal(
    plan.write(input, { format: 'text', path: '/o', mode: 'error' }).write_operation?.mode,
    'SAVE_MODE_ERROR_IF_EXISTS',
  )
})

test('temp views, named tables and plan wrappers', () => {
  assert.deepEqual(plan.createOrReplaceTempView(input, 'v'), {
    create_dataframe_view: { input, name: 'v', is_global: false, replace: true },
  })
  assert.deepEqual(plan.table('v'), { read: { named_table: { unparsed_identifier: 'v' } } })
  assert.deepEqual(plan.relationPlan(input), { root: input })
  assert.deepEqual(
    plan.commandPlan(plan.createOrReplaceTempView(input, 'v')).command?.create_dataframe_view?.name,
    'v',
  )
})
