// The rolling window continuous training learns from: the newest batch files, whole, until they hold at least the
// window's rows. A file's rows are counted by its offset range (an upper bound: invalid messages inside the range
// went to dead letters). Offsets of different partitions are not comparable, so the partitions take turns: the one
// with the fewest rows chosen so far gives its next newest file, which keeps the window's time span alike in each.
import type { BatchFile } from '../stream/batch-files.ts'

export function fileRows(file: BatchFile): number {
  return Number(file.last - file.first + 1n)
}

/** The newest files holding at least `windowRows` rows (all of them when they hold fewer), in listing order. */
export function newestFiles(files: readonly BatchFile[], windowRows: number): BatchFile[] {
  const byPartition = new Map<number, BatchFile[]>()
  for (const file of files)
    byPartition.set(file.partition, [...(byPartition.get(file.partition) ?? []), file])
  const queues = [...byPartition.values()].map((list) =>
    [...list].sort((a, b) => (a.first < b.first ? 1 : a.first > b.first ? -1 : 0)),
  )
  const taken = queues.map(() => 0)
  const chosen = new Set<BatchFile>()
  let rows = 0
  while (rows < windowRows) {
    let next = -1
    for (const [i, queue] of queues.entries()) {
      if (queue.length > 0 && (next === -1 || (taken[i] as number) < (taken[next] as number))) next = i
    }
    if (next === -1) break
    const file = queues[next]?.shift() as BatchFile
    chosen.add(file)
    taken[next] = (taken[next] as number) + fileRows(file)
    rows += fileRows(file)
  }
  return files.filter((file) => chosen.has(file))
}
