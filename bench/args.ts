// Every benchmark's flags: node's parseArgs, plus `--help` listing them with their meaning and default, a clear
// refusal of an unknown flag, and numbers checked once, naming the flag at fault.
import { parseArgs } from 'node:util'

export interface BenchFlag {
  type: 'string' | 'boolean'
  default?: string | boolean
  /** What the flag does, for --help. */
  description: string
}

function usage(command: string, about: string, flags: Record<string, BenchFlag>): string {
  const lines = Object.entries(flags).map(([name, flag]) => {
    const left = flag.type === 'string' ? `--${name} <value>` : `--${name}`
    const fallback = flag.default === undefined || flag.default === false ? '' : ` (default: ${flag.default})`
    return `  ${left.padEnd(26)} ${flag.description}${fallback}`
  })
  lines.push(`  ${'--help'.padEnd(26)} show this help`)
  return `Usage: ${command} [options]\n\n${about}\n\nOptions:\n${lines.join('\n')}\n`
}

/** The parsed flags: a flag with a default always has a value. */
export type BenchValues<F extends Record<string, BenchFlag>> = {
  [K in keyof F]: F[K] extends { default: unknown }
    ? F[K]['type'] extends 'boolean'
      ? boolean
      : string
    : (F[K]['type'] extends 'boolean' ? boolean : string) | undefined
}

/**
 * The flags of a benchmark run as `command` (the usage line's start, e.g. `npm run bench:api --`); `--help` prints
 * the usage and exits, an unknown flag or a missing value exits with the usage on stderr.
 */
export function benchArgs<const F extends Record<string, BenchFlag>>(
  command: string,
  about: string,
  flags: F,
): BenchValues<F> {
  const options: Record<string, BenchFlag> = { ...flags, help: { type: 'boolean', description: 'usage' } }
  let values: Record<string, unknown>
  try {
    values = parseArgs({ options, strict: true }).values
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage(command, about, flags)}`)
    process.exit(2)
  }
  if (values.help === true) {
    process.stdout.write(usage(command, about, flags))
    process.exit(0)
  }
  return values as BenchValues<F>
}

/** `value` as a number > 0 (or ≥ 0 with `zero`), or exit naming the flag. */
export function positiveNumber(flag: string, value: string | undefined, zero = false): number {
  const number = Number(value)
  if (
    value === undefined ||
    value.trim() === '' ||
    !Number.isFinite(number) ||
    number < 0 ||
    (!zero && number === 0)
  ) {
    process.stderr.write(`--${flag} must be a number ${zero ? '≥ 0' : '> 0'} (got "${value ?? ''}")\n`)
    process.exit(2)
  }
  return number
}

/** `value` as a whole number ≥ 1, or exit naming the flag. */
export function wholeNumber(flag: string, value: string | undefined): number {
  const number = positiveNumber(flag, value)
  if (!Number.isInteger(number)) {
    process.stderr.write(`--${flag} must be a whole number ≥ 1 (got "${value}")\n`)
    process.exit(2)
  }
  return number
}
