// A DataFrame is a relation plus the session that can run it. Transformations return new DataFrames
// (pure plan building); actions (collect, count, schema, write…) go to the server.
import { randomInt } from 'node:crypto'
import type { Table } from 'apache-arrow'
import { type Row, tableFromBatches, tableToRows } from './arrow.ts'
import * as plan from './plan.ts'
import type { DataType__Output, Int64, Relation, StorageLevel__Output } from './protocol.ts'
import { fromDataType, type SchemaField } from './schema.ts'
import type { SparkSession } from './session.ts'
import { type StreamingQuery, startStreamingQuery } from './streaming.ts'

export interface Collected {
  table: Table
  rows: Row[]
  /** The Spark schema of the result (knows ML vectors, decimals…), when the server sent it. */
  schema?: DataType__Output
}

/** A seed like PySpark's default: random, but fixed once the plan is built. */
function randomSeed(): number {
  return randomInt(0, 2 ** 47)
}

export class DataFrame {
  constructor(
    readonly session: SparkSession,
    readonly relation: Relation,
  ) {}

  private derive(relation: Relation): DataFrame {
    return new DataFrame(this.session, relation)
  }

  /** Columns as expressions (`col('x')`) or SQL expression strings (`'speed * 2 AS fast'`). */
  select(...columns: plan.ColumnInput[]): DataFrame {
    return this.derive(plan.select(this.relation, columns))
  }

  filter(condition: plan.ColumnInput): DataFrame {
    return this.derive(plan.filter(this.relation, condition))
  }

  withColumn(name: string, column: plan.ColumnInput): DataFrame {
    return this.withColumns({ [name]: column })
  }

  withColumns(columns: Record<string, plan.ColumnInput>): DataFrame {
    return this.derive(plan.withColumns(this.relation, columns))
  }

  /** Marks `eventTime` as the event-time column; state older than the latest event time minus `delay` is dropped. */
  withWatermark(eventTime: string, delay: string): DataFrame {
    return this.derive(plan.withWatermark(this.relation, eventTime, delay))
  }

  /** Named metrics computed over the rows as they pass (reported in a streaming query's progress). */
  observe(name: string, metrics: plan.ColumnInput[]): DataFrame {
    return this.derive(plan.observe(this.relation, name, metrics))
  }

  groupBy(keys: plan.ColumnInput[], aggregates: plan.ColumnInput[]): DataFrame {
    return this.derive(plan.groupBy(this.relation, keys, aggregates))
  }

  limit(count: number): DataFrame {
    return this.derive(plan.limit(this.relation, count))
  }

  sample(fraction: number, options: { seed?: Int64; withReplacement?: boolean } = {}): DataFrame {
    return this.derive(
      plan.sample(this.relation, { ...options, fraction, seed: options.seed ?? randomSeed() }),
    )
  }

  /** Disjoint parts in proportion to `weights` (normalized), reproducible for a given seed. */
  randomSplit(weights: number[], seed: Int64 = randomSeed()): DataFrame[] {
    return plan.randomSplit(this.relation, weights, seed).map((relation) => this.derive(relation))
  }

  async collectAll(): Promise<Collected> {
    const result = await this.session.execute(plan.relationPlan(this.relation))
    const table = tableFromBatches(result.arrowBatches)
    return { table, rows: tableToRows(table, result.schema), schema: result.schema }
  }

  /** Every row as a plain object (numbers, strings, booleans, Dates, ML vectors as number arrays). */
  async collect(): Promise<Row[]> {
    return (await this.collectAll()).rows
  }

  async toArrow(): Promise<Table> {
    return (await this.collectAll()).table
  }

  async count(): Promise<number> {
    const [row] = await this.derive(plan.count(this.relation)).collect()
    return Number(row?.count ?? 0)
  }

  async schema(): Promise<SchemaField[]> {
    return fromDataType(await this.session.schemaOf(this.relation))
  }

  /**
   * Keeps the rows on the server (memory, spilling to disk) once first computed, so several fits and
   * evaluations over the same data read the files once. Lazy, like Spark's `persist()`.
   */
  async persist(): Promise<DataFrame> {
    await this.session.analyze({ persist: { relation: this.relation } })
    return this
  }

  async unpersist(): Promise<void> {
    await this.session.analyze({ unpersist: { relation: this.relation, blocking: false } })
  }

  /** Where Spark keeps this DataFrame; `{ replication: 1 }` alone (StorageLevel__Output.NONE) when not persisted. */
  async storageLevel(): Promise<StorageLevel__Output> {
    const response = await this.session.analyze({ get_storage_level: { relation: this.relation } })
    return response.get_storage_level?.storage_level ?? {}
  }

  async createOrReplaceTempView(name: string): Promise<void> {
    await this.session.execute(plan.commandPlan(plan.createOrReplaceTempView(this.relation, name)))
  }

  async write(options: plan.WriteOptions): Promise<void> {
    await this.session.execute(plan.commandPlan(plan.write(this.relation, options)))
  }

  /** Starts a streaming query writing this (streaming) DataFrame to a sink; it runs until stopped. */
  writeStream(options: plan.WriteStreamOptions): Promise<StreamingQuery> {
    return startStreamingQuery(this.session, this.relation, options)
  }

  /** Writes a folder of CSV part files (with a header row by default; overwrite by default). */
  writeCsv(
    path: string,
    options: { header?: boolean; mode?: plan.WriteMode; options?: Record<string, string> } = {},
  ): Promise<void> {
    const csvOptions = { header: String(options.header ?? true), ...options.options }
    return this.write({ format: 'csv', path, mode: options.mode, options: csvOptions })
  }

  /** Writes a folder of text part files; the DataFrame must have exactly one string column. */
  writeText(path: string, options: { mode?: plan.WriteMode } = {}): Promise<void> {
    return this.write({ format: 'text', path, mode: options.mode })
  }
}
