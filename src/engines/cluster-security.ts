// The secrets of a `--secure` local cluster, made once. Kafka's SASL_SSL listener: with the JDK's keytool a CA of
// its own, one broker certificate for the engines' address (all nodes share it), PKCS12 stores; random passwords.
// Spark Connect: a pre-shared token. Clients get them from a 0600 file, never printed.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import path from 'node:path'
import type { BrokerSecurity } from './kafka.ts'
import type { ToolRunner } from './local-engine.ts'
import { jdkTool } from './prerequisites.ts'

export const CLIENT_USER = 'traffic'
const ADMIN_USER = 'admin'
const VALID_DAYS = '365'
const STORE_PASSWORD_ENV = 'TRAFFIC_STORE_PASSWORD'

function password(): string {
  return randomBytes(18).toString('hex')
}

/** Kafka's stores and users, and the token of the Spark Connect server. */
export interface ClusterSecurity {
  kafka: BrokerSecurity
  sparkToken: string
}

/** The stores, passwords and token in `dir`, made on the first call and read back afterwards. */
export async function clusterSecurity(
  dir: string,
  host: string,
  runTool: ToolRunner,
): Promise<ClusterSecurity> {
  const secretsFile = path.join(dir, 'secrets.json')
  if (existsSync(secretsFile)) return JSON.parse(await readFile(secretsFile, 'utf8')) as ClusterSecurity
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const storePassword = password()
  const file = (name: string) => path.join(dir, name)
  // PKCS12 keeps one password for the store and its keys; keytool reads it from its environment.
  const store = (name: string) => [
    '-keystore',
    file(name),
    '-storetype',
    'PKCS12',
    '-storepass:env',
    STORE_PASSWORD_ENV,
  ]
  const san = `SAN=${isIP(host) ? 'IP' : 'DNS'}:${host},DNS:localhost`
  const keytool = (description: string, args: string[]) =>
    runTool(`keytool: ${description}`, jdkTool('keytool'), args, { [STORE_PASSWORD_ENV]: storePassword })

  /** A 2048-bit RSA key pair and its self-signed certificate, under `alias` in `storeName`. */
  const keyPair = (description: string, alias: string, dname: string, ext: string, storeName: string) =>
    keytool(description, [
      '-genkeypair',
      '-alias',
      alias,
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-validity',
      VALID_DAYS,
      '-dname',
      dname,
      '-ext',
      ext,
      ...store(storeName),
    ])

  await keyPair('making the CA', 'ca', 'CN=urban-traffic local CA', 'bc:c', 'ca.p12')
  await keytool('exporting the CA', [
    '-exportcert',
    '-rfc',
    '-alias',
    'ca',
    '-file',
    file('ca.pem'),
    ...store('ca.p12'),
  ])
  await keyPair('making the broker key', 'broker', `CN=${host}`, san, 'broker.p12')
  await keytool('requesting the broker certificate', [
    '-certreq',
    '-alias',
    'broker',
    '-file',
    file('broker.csr'),
    ...store('broker.p12'),
  ])
  await keytool('signing the broker certificate', [
    '-gencert',
    '-alias',
    'ca',
    '-rfc',
    '-infile',
    file('broker.csr'),
    '-outfile',
    file('broker.pem'),
    '-validity',
    VALID_DAYS,
    '-ext',
    san,
    ...store('ca.p12'),
  ])
  for (const [alias, pem, target] of [
    ['ca', 'ca.pem', 'broker.p12'],
    ['broker', 'broker.pem', 'broker.p12'],
    ['ca', 'ca.pem', 'truststore.p12'],
  ] as const) {
    await keytool(`importing ${pem} into ${target}`, [
      '-importcert',
      '-noprompt',
      '-alias',
      alias,
      '-file',
      file(pem),
      ...store(target),
    ])
  }

  const security: ClusterSecurity = {
    kafka: {
      keyStore: file('broker.p12'),
      trustStore: file('truststore.p12'),
      storePassword,
      caFile: file('ca.pem'),
      admin: { username: ADMIN_USER, password: password() },
      client: { username: CLIENT_USER, password: password() },
    },
    sparkToken: password(),
  }
  await writeFile(secretsFile, `${JSON.stringify(security, null, 2)}\n`, { mode: 0o600 })
  return security
}
