// Builds the web app (web/) with Vite when web/dist is missing or out of date. "Out of date" means a file the
// last build was made from changed: the build records the hash of every source module it bundled.
import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { TrafficError } from '../errors.ts'

export const WEB_DIR = path.resolve(import.meta.dirname, '../../web')
export const DIST_DIR = path.join(WEB_DIR, 'dist')
const STAMP = path.join(DIST_DIR, '.build-stamp.json')
const PROJECT_DIR = path.dirname(WEB_DIR)

/** Inputs that are not bundled modules but shape the build all the same. */
const BUILD_INPUTS = ['web/index.html', 'web/vite.config.ts', 'package-lock.json']

interface Stamp {
  /** Project-relative path → sha256 of its content at build time. */
  files: Record<string, string>
}

export interface WebBuild {
  built: boolean
  /** Why it was (re)built, e.g. `web/src/App.tsx changed`. */
  reason?: string
  seconds?: number
}

async function hashOf(relative: string): Promise<string | undefined> {
  try {
    return createHash('sha256')
      .update(await readFile(path.join(PROJECT_DIR, relative)))
      .digest('hex')
  } catch {
    return undefined
  }
}

/** Why the build in web/dist cannot be used as is, or undefined when it can. */
export async function staleReason(): Promise<string | undefined> {
  let stamp: Stamp
  try {
    stamp = JSON.parse(await readFile(STAMP, 'utf8')) as Stamp
  } catch {
    return 'no build yet'
  }
  for (const [file, hash] of Object.entries(stamp.files)) {
    if ((await hashOf(file)) !== hash) return `${file} changed`
  }
  return undefined
}

/** Source files (project-relative) a Vite build output was made from, node_modules excluded. */
function bundledSources(output: Awaited<ReturnType<typeof import('vite').build>>): string[] {
  const outputs = Array.isArray(output) ? output : 'output' in output ? [output] : []
  return outputs
    .flatMap((o) => o.output.flatMap((item) => (item.type === 'chunk' ? item.moduleIds : [])))
    .map((id) => id.split('?')[0] ?? id)
    .filter((id) => path.isAbsolute(id) && !id.includes(`${path.sep}node_modules${path.sep}`))
    .map((id) => path.relative(PROJECT_DIR, id))
}

export async function ensureWebBuild(): Promise<WebBuild> {
  const reason = await staleReason()
  if (!reason) return { built: false }
  const started = performance.now()
  const { build } = await import('vite')
  let output: Awaited<ReturnType<typeof build>>
  try {
    output = await build({
      root: WEB_DIR,
      configFile: path.join(WEB_DIR, 'vite.config.ts'),
      logLevel: 'warn',
    })
  } catch (error) {
    throw new TrafficError('UI_BUILD_FAILED', `Building the web UI failed: ${(error as Error).message}`, {
      hint: 'run `npx vite build web` to see the full error',
      cause: error,
    })
  }
  const files: Record<string, string> = {}
  for (const file of new Set([...BUILD_INPUTS, ...bundledSources(output)])) {
    const hash = await hashOf(file)
    if (hash) files[file] = hash
  }
  await writeFile(STAMP, `${JSON.stringify({ files } satisfies Stamp, null, 2)}\n`)
  return { built: true, reason, seconds: (performance.now() - started) / 1000 }
}
