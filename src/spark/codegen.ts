// TypeScript types of the protocol, generated from the extracted protos by proto-loader-gen-types (the generator
// that ships with @grpc/proto-loader) with the options the runtime loader uses, so the types describe the very
// objects sent and received. Never committed: they are made from the protos of the Spark version in use.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ENTRY_PROTOS } from './protos.ts'

/** Where the client's modules import the generated types from (git-ignored). */
const GENERATED_TYPES_DIR = fileURLToPath(new URL('./generated', import.meta.url))
/** The same choices as PROTO_LOADER_OPTIONS (protos.ts), in the generator's words. */
const GENERATOR_OPTIONS = [
  '--keepCase',
  '--longs=String',
  '--enums=String',
  '--oneofs',
  '--grpcLib=@grpc/grpc-js',
]
const STAMP = '.protos-sha256'

function generatorScript(): string {
  const require = createRequire(import.meta.url)
  const packageJson = require.resolve('@grpc/proto-loader/package.json')
  const { bin } = JSON.parse(readFileSync(packageJson, 'utf8')) as { bin: Record<string, string> }
  return path.join(path.dirname(packageJson), bin['proto-loader-gen-types'] ?? '')
}

/** A digest of every .proto under `protosDir` and of the generator's options: the types are stale when it changes. */
function protosDigest(protosDir: string): string {
  const hash = createHash('sha256').update(GENERATOR_OPTIONS.join(' '))
  const files = readdirSync(protosDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.proto'))
    .sort()
  for (const file of files) hash.update(file).update(readFileSync(path.join(protosDir, file)))
  return hash.digest('hex')
}

/** Relative imports with their `.ts` extension, as this project's module resolution (NodeNext) requires. */
function withTsExtensions(source: string): string {
  return source.replace(/from '(\.{1,2}\/[^']+)'/g, "from '$1.ts'")
}

function rewriteImports(dir: string): void {
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue
    const target = path.join(dir, file)
    writeFileSync(target, withTsExtensions(readFileSync(target, 'utf8')))
  }
}

/** Generates the types into `outDir` unless they were generated from these very protos. */
export function generateProtocolTypes(
  protosDir: string,
  outDir = GENERATED_TYPES_DIR,
): { generated: boolean } {
  const digest = protosDigest(protosDir)
  const stamp = path.join(outDir, STAMP)
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return { generated: false }
  // Generate aside then swap, so a typecheck never sees half the files.
  const staging = `${outDir}.partial`
  rmSync(staging, { recursive: true, force: true })
  execFileSync(
    process.execPath,
    [generatorScript(), ...GENERATOR_OPTIONS, '-I', protosDir, '-O', staging, ...ENTRY_PROTOS],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  rewriteImports(staging)
  writeFileSync(path.join(staging, STAMP), digest)
  rmSync(outDir, { recursive: true, force: true })
  renameSync(staging, outDir)
  return { generated: true }
}
