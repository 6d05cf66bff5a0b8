// Complete model versions with a registry record, written through the publishing seam as training writes them
// (no Spark: the registry reads only the records and the files' presence).
import { REPORT_FILE, VERSION_FILE } from '../../src/contract/models.ts'
import type { VersionRecord } from '../../src/lifecycle/registry.ts'
import type { PublishedModels } from '../../src/training/models-publisher.ts'
import { DEFAULT_PARAMS } from '../../src/training/train.ts'

/** The record of a version whose density model scored `r2`. */
export function recordOf(id: string, r2: number): VersionRecord {
  const regression = { rmse: 1 - r2, mae: (1 - r2) / 2, r2 }
  const classification = {
    accuracy: r2,
    areaUnderROC: r2,
    f1: r2,
    f1Positive: r2,
    precisionPositive: r2,
    recallPositive: r2,
    confusionMatrix: {
      counts: [
        [1, 0],
        [0, 1],
      ] as [[number, number], [number, number]],
      labels: [0, 1] as [0, 1],
    },
  }
  return {
    id,
    trainedAt: new Date().toISOString(),
    reason: `test ${r2}`,
    data: {
      topic: 'urban_traffic_stream',
      batches: 1,
      rows: 1000,
      partitions: [{ partition: 0, first: 0, last: 999 }],
    },
    learners: {
      traffic_density_model: 'GBT 80 iterations',
      peak_hour_model: 'random forest 40 trees',
      energy_consumption_model: 'GBT 50 iterations',
    },
    params: DEFAULT_PARAMS,
    metrics: {
      traffic_density_model: regression,
      peak_hour_model: classification,
      energy_consumption_model: regression,
    },
  }
}

/** Writes and completes a version (not served) whose record says `r2`; returns its record. */
export async function addVersion(models: PublishedModels, r2: number): Promise<VersionRecord> {
  const staging = await models.stage()
  const record = recordOf(staging.id, r2)
  await staging.write('traffic_density_model/metadata/part-00000', String(r2))
  await staging.write(REPORT_FILE, '{}')
  await staging.write(VERSION_FILE, JSON.stringify(record))
  await models.complete(staging)
  return record
}
