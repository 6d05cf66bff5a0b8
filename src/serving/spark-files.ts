// Reading the files Spark's ML writers leave on disk: `metadata/part-*` (one JSON line, DefaultParamsWriter) and
// `data/*.parquet` (the fitted values). Pure file access; what the values mean is up to each stage.
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet'
import { TrafficError } from '../errors.ts'
import { fromStoredVector, toDense } from '../spark/light.ts'

/** The JSON Spark writes in `metadata/` for every ML object (DefaultParamsWriter format). */
export interface StageMetadata {
  class: string
  uid: string
  sparkVersion: string
  timestamp?: number
  paramMap: Record<string, unknown>
  defaultParamMap?: Record<string, unknown>
  /** Extra fields some writers add, e.g. `numFeatures`, `numClasses`, `numTrees` for tree models. */
  [extra: string]: unknown
}

/** Visible data files of a Spark output folder (`part-*`), in name order; hidden `.crc` and `_SUCCESS` excluded. */
async function partFiles(folder: string, suffix: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(folder)
  } catch (error) {
    throw new TrafficError('MODEL_NOT_FOUND', `Cannot read ${folder}: ${(error as Error).message}`, {
      hint: 'Train the models first: traffic train',
      cause: error,
    })
  }
  const parts = names.filter((name) => name.startsWith('part-') && name.endsWith(suffix)).sort()
  if (parts.length === 0) {
    throw new TrafficError(
      'MODEL_NOT_FOUND',
      `No part-*${suffix} file in ${folder}; the model was not saved completely`,
    )
  }
  return parts.map((name) => path.join(folder, name))
}

export async function readMetadata(objectDir: string): Promise<StageMetadata> {
  const [file] = await partFiles(path.join(objectDir, 'metadata'), '')
  const text = await readFile(file as string, 'utf8')
  let parsed: unknown
  try {
    parsed = JSON.parse(text.split('\n', 1)[0] as string)
  } catch (error) {
    throw new TrafficError('MODEL_UNSUPPORTED', `${file} is not Spark ML metadata (invalid JSON)`, {
      cause: error,
    })
  }
  const metadata = parsed as Partial<StageMetadata>
  if (
    typeof metadata.class !== 'string' ||
    typeof metadata.uid !== 'string' ||
    typeof metadata.paramMap !== 'object'
  ) {
    throw new TrafficError(
      'MODEL_UNSUPPORTED',
      `${file} lacks the class, uid or paramMap of a Spark ML object`,
    )
  }
  return metadata as StageMetadata
}

/** All rows of the Parquet files in `objectDir/<folder>`, in file order. */
export async function readParquetRows(
  objectDir: string,
  folder = 'data',
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = []
  for (const file of await partFiles(path.join(objectDir, folder), '.parquet')) {
    const buffer = await asyncBufferFromFile(file)
    for (const row of await parquetReadObjects({ file: buffer })) rows.push(row)
  }
  return rows
}

/** A param as Spark resolves it: the explicitly set value, else the default. */
export function param<T>(metadata: StageMetadata, name: string): T | undefined {
  if (name in metadata.paramMap) return metadata.paramMap[name] as T
  return metadata.defaultParamMap?.[name] as T | undefined
}

export function requireParam<T>(metadata: StageMetadata, name: string): T {
  const value = param<T>(metadata, name)
  if (value === undefined) {
    throw new TrafficError('MODEL_UNSUPPORTED', `${metadata.class} ${metadata.uid} has no "${name}" param`)
  }
  return value
}

/** A vector of a saved stage (Spark's VectorUDT as stored in Parquet), dense. */
export function decodeVector(stored: unknown, what: string): Float64Array {
  const vector = fromStoredVector(stored)
  if (!vector) throw new TrafficError('MODEL_UNSUPPORTED', `${what} is not a Spark ML vector`)
  return Float64Array.from(toDense(vector))
}
