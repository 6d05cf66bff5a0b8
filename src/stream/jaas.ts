// JAAS login configuration (`sasl.jaas.config`), as the Java clients and the brokers read it: the Spark Kafka
// source and sink, and the SASL_SSL listener of the local cluster.
import type { KafkaSecurity } from '../config.ts'
import { javaQuoted } from '../java-quoted.ts'

export type SaslMechanism = NonNullable<KafkaSecurity['sasl']>['mechanism']

const LOGIN_MODULES: Record<SaslMechanism, string> = {
  PLAIN: 'org.apache.kafka.common.security.plain.PlainLoginModule',
  'SCRAM-SHA-256': 'org.apache.kafka.common.security.scram.ScramLoginModule',
  'SCRAM-SHA-512': 'org.apache.kafka.common.security.scram.ScramLoginModule',
}

/** `<login module> required key="value" …;` for the mechanism's login module, each value quoted and escaped. */
export function jaasConfig(mechanism: SaslMechanism, options: Record<string, string>): string {
  const pairs = Object.entries(options).map(([key, value]) => `${key}=${javaQuoted(value)}`)
  return `${LOGIN_MODULES[mechanism]} required ${pairs.join(' ')};`
}
