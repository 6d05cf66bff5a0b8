// Kafka's own command-line tools (Java: console consumer and producer, ProducerPerformance), run against our
// topics to check them with the reference client and to measure the ceiling. Their jar (org.apache.kafka:kafka-tools)
// is not among the broker's pinned dependencies; it is fetched once with Maven at the broker's version.
import { execFile, spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { jarsDir, KAFKA } from './manifest.ts'
import { javaBinary } from './prerequisites.ts'

const run = promisify(execFile)

/** The broker's jars plus kafka-tools: from the broker's jars if the manifest has it, else fetched next to them once. */
export async function kafkaToolsClasspath(cacheDir: string): Promise<string> {
  const brokerJars = jarsDir(cacheDir, KAFKA)
  if (readdirSync(brokerJars).some((name) => name.startsWith('kafka-tools-') && !name.includes('-api-'))) {
    return path.join(brokerJars, '*')
  }
  const toolsDir = path.join(cacheDir, `kafka-tools-${KAFKA.version}`)
  const jar = path.join(toolsDir, `kafka-tools-${KAFKA.version}.jar`)
  if (!existsSync(jar)) {
    await mkdir(toolsDir, { recursive: true })
    await run('mvn', [
      '-q',
      'dependency:copy',
      `-Dartifact=org.apache.kafka:kafka-tools:${KAFKA.version}`,
      `-DoutputDirectory=${toolsDir}`,
    ])
  }
  return [path.join(brokerJars, '*'), jar].join(path.delimiter)
}

export interface KafkaToolRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a tool's main class (e.g. `org.apache.kafka.tools.consumer.ConsoleConsumer`), with `input` on its stdin. */
export async function runKafkaTool(
  cacheDir: string,
  mainClass: string,
  args: string[],
  input = '',
): Promise<KafkaToolRun> {
  const classpath = await kafkaToolsClasspath(cacheDir)
  const child = spawn(javaBinary(), ['-Xmx1g', '-cp', classpath, mainClass, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  child.stdin.end(input)
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}
