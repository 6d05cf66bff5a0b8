// The only system prerequisites: a JDK (17+) to run the engines and Maven to fetch them.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { TrafficError } from '../errors.ts'

const run = promisify(execFile)

const INSTALL_JAVA =
  'install a JDK 17 or newer: `sudo apt-get install -y openjdk-17-jdk-headless` (Debian/Ubuntu), ' +
  '`brew install openjdk@17` (macOS), or set JAVA_HOME to an existing JDK'
const INSTALL_MAVEN =
  'install Maven 3.8+: `sudo apt-get install -y maven` (Debian/Ubuntu) or `brew install maven` (macOS)'

/** A JDK tool (`java`, `keytool`): from $JAVA_HOME/bin when JAVA_HOME is set, else the one on PATH. */
export function jdkTool(name: string): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', name) : name
}

/** The `java` to run. */
export function javaBinary(): string {
  return jdkTool('java')
}

/** Parses the major version out of `java -version` output (`openjdk version "17.0.15"` or `"1.8.0_392"`). */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = versionOutput.match(/version "(\d+)(?:\.(\d+))?/)
  if (!match?.[1]) return undefined
  const first = Number(match[1])
  return first === 1 && match[2] ? Number(match[2]) : first
}

export async function checkJava(): Promise<number> {
  let output: string
  try {
    const { stdout, stderr } = await run(javaBinary(), ['-version'])
    output = `${stderr}${stdout}`
  } catch (error) {
    throw new TrafficError('PREREQUISITE_MISSING', `Java was not found (${javaBinary()})`, {
      hint: INSTALL_JAVA,
      cause: error,
    })
  }
  const major = parseJavaMajor(output)
  if (major === undefined || major < 17) {
    throw new TrafficError(
      'PREREQUISITE_MISSING',
      `Java 17 or newer is required, found: ${output.split('\n')[0]}`,
      {
        hint: INSTALL_JAVA,
      },
    )
  }
  return major
}

export async function checkMaven(): Promise<void> {
  try {
    await run('mvn', ['-v'])
  } catch (error) {
    throw new TrafficError('PREREQUISITE_MISSING', 'Maven (`mvn`) was not found', {
      hint: INSTALL_MAVEN,
      cause: error,
    })
  }
}
