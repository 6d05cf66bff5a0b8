// The Spark-written models the serving and API tests run against: trained over the real Spark Connect server
// once per code version by the shared fixture (test/fixtures/models.ts), laid out like spark_models_traffic/
// with parity/<model folder>.jsonl holding Spark's own outputs on held-out rows.
import { trainedModelsDir } from './fixtures/models.ts'

export const SPARK_MODELS_DIR: string = await trainedModelsDir()
