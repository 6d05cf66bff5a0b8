// Where the serving and API tests find models written by Spark itself: TRAFFIC_TEST_MODELS, a folder laid out like
// spark_models_traffic/ — traffic_density_model/, peak_hour_model/, energy_consumption_model/ (saved PipelineModels)
// and parity/<model folder>.jsonl (Spark's own outputs on held-out rows; format in test/serving/parity.ts).
// The test command is meant to fill it by training small models over Spark Connect once per run.

export const SPARK_MODELS_DIR: string | undefined = process.env.TRAFFIC_TEST_MODELS

/** For `test(name, { skip: needsSparkModels }, …)`: why tests that need Spark-written models cannot run, or false. */
export const needsSparkModels: string | false = SPARK_MODELS_DIR
  ? false
  : 'TRAFFIC_TEST_MODELS is not set: no Spark-written models (the fixture training them over Spark Connect is not wired yet)'
