// The consumer's exactly-once invariants with the batch objects in a local folder.
import { batchInvariants } from './batch-invariants.ts'
import { folderStorage } from './helpers.ts'

batchInvariants('a folder', () => folderStorage)
