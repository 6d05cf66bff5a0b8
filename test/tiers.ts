// Which test files need an engine (Kafka, Spark Connect) or a browser, and which are unit tests. The rule is
// derived from the code, so a new file lands in the right tier by itself: a file needs an engine when its name
// ends in `.integration.test.ts`, when it lies under test/web/, or when it imports — directly or through other
// test modules — one of the ENGINE_MODULES below.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

const TEST_ROOT = path.resolve(import.meta.dirname)

/** The test modules that reach an engine or a browser as soon as they are imported or used. */
const ENGINE_MODULES: Record<string, string> = {
  'spark-models.ts': 'trains the model fixture on Spark Connect',
  'fixtures/models.ts': 'trains the model fixture on Spark Connect',
  'stream/helpers.ts': 'talks to the Kafka broker',
  'web/browser.ts': 'drives Chromium',
  'storage/s3proxy-fixture.ts': 'starts an S3Proxy server',
}

/**
 * Folders whose files run after all the others, in a node run of their own once the single-node engines are
 * stopped: the local cluster scenario (3 Kafka nodes, a Spark standalone cluster on ports of its own, ~6 GB).
 */
const RUN_LAST = [path.join(TEST_ROOT, 'cluster')]

/**
 * Files that stall, stop or restart the engines every other test shares (or check what runs beside them): they
 * run on their own, after the others, which run two files at a time.
 */
const RUNS_ALONE: Record<string, string> = {
  'api/routes/live-stalled-spark.integration.test.ts': 'stalls the shared Spark Connect server (SIGSTOP)',
  'live/live-stop.integration.test.ts': 'stalls the shared Spark Connect server (SIGSTOP)',
  'stream/produce.integration.test.ts': 'restarts the shared broker and Spark Connect server',
  'engines/lifecycle.integration.test.ts': 'starts a second instance of the engines on their ports',
  'engines/loopback.integration.test.ts': 'reads every socket the engines listen on',
}

/** The files that run alone, as paths (a renamed file must be renamed here too; a test checks they exist). */
export function filesRunningAlone(): string[] {
  return Object.keys(RUNS_ALONE).map((relative) => path.join(TEST_ROOT, relative))
}

/** Why `file` must run with no other test file beside it, or undefined when it may share the engines. */
export function runsAlone(file: string): string | undefined {
  return RUNS_ALONE[path.relative(TEST_ROOT, path.resolve(file))]
}

export function runsLast(file: string): boolean {
  const full = path.resolve(file)
  return RUN_LAST.some((folder) => full.startsWith(`${folder}${path.sep}`))
}

/** Every `*.test.ts` file under `root` (or `root` itself when it is a file). */
export function testFiles(root: string): string[] {
  if (statSync(root).isFile()) return [root]
  return readdirSync(root, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(root, entry.name)
    if (entry.isDirectory()) return testFiles(full)
    return entry.name.endsWith('.test.ts') ? [full] : []
  })
}

const RELATIVE_IMPORT = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+\.ts)['"]/g

/** The test modules `file` imports, directly or through other test modules (src/ is not followed). */
function testImports(file: string, seen = new Set<string>()): Set<string> {
  for (const match of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
    const imported = path.resolve(path.dirname(file), match[1] as string)
    if (!imported.startsWith(`${TEST_ROOT}${path.sep}`) || seen.has(imported)) continue
    seen.add(imported)
    testImports(imported, seen)
  }
  return seen
}

/** Why `file` needs an engine or a browser, or undefined when it is a unit test. */
export function engineReason(file: string): string | undefined {
  const relative = path.relative(TEST_ROOT, path.resolve(file))
  if (relative.endsWith('.integration.test.ts')) return 'its name ends in .integration.test.ts'
  if (relative.startsWith(`web${path.sep}`)) return 'it lies under test/web/ (browser tests)'
  for (const imported of testImports(path.resolve(file))) {
    const module = path.relative(TEST_ROOT, imported)
    const reason = ENGINE_MODULES[module]
    if (reason) return `it imports test/${module}, which ${reason}`
  }
  return undefined
}
