// Client tests connect the way any user of src/spark would: the protos folder and expected version passed in
// (here the pinned ones of the engines cache).
import { loadConfig } from '../../src/config.ts'
import { SPARK } from '../../src/engines/manifest.ts'
import { ensureSparkProtos } from '../../src/engines/spark-connect.ts'
import { type ConnectOptions, SparkSession } from '../../src/spark/index.ts'

export async function connectPinned(
  remote = loadConfig().spark.remote,
  options: Partial<ConnectOptions> = {},
): Promise<SparkSession> {
  const protosDir = await ensureSparkProtos(loadConfig().engines.cacheDir)
  return SparkSession.connect(remote, { protosDir, expectedVersion: SPARK.version, ...options })
}
