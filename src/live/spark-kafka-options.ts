// Spark's Kafka source and sink options for the live queries: the same brokers and security as every other
// client here, in the Java client's settings (each prefixed `kafka.`), so `traffic live` reads and writes a
// SASL_SSL cluster too.
import type { KafkaConfig, KafkaSecurity } from '../config.ts'

const JAAS_LOGIN_MODULES: Record<NonNullable<KafkaSecurity['sasl']>['mechanism'], string> = {
  PLAIN: 'org.apache.kafka.common.security.plain.PlainLoginModule',
  'SCRAM-SHA-256': 'org.apache.kafka.common.security.scram.ScramLoginModule',
  'SCRAM-SHA-512': 'org.apache.kafka.common.security.scram.ScramLoginModule',
}

/** A JAAS option value: quoted, with backslashes and quotes escaped. */
const jaasQuoted = (value: string) => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`

/**
 * The options for these brokers and security. The CA file is read by the Spark driver and executors: on a
 * cluster it must be at the same path on each.
 */
export function sparkKafkaOptions(config: Pick<KafkaConfig, 'brokers' | 'security'>): Record<string, string> {
  const { protocol, sasl, caFile } = config.security
  const options: Record<string, string> = {
    'kafka.bootstrap.servers': config.brokers.join(','),
    'kafka.security.protocol': protocol,
  }
  if (sasl) {
    options['kafka.sasl.mechanism'] = sasl.mechanism
    options['kafka.sasl.jaas.config'] =
      `${JAAS_LOGIN_MODULES[sasl.mechanism]} required username=${jaasQuoted(sasl.username)} password=${jaasQuoted(sasl.password)};`
  }
  if (caFile) {
    options['kafka.ssl.truststore.type'] = 'PEM'
    options['kafka.ssl.truststore.location'] = caFile
  }
  return options
}
