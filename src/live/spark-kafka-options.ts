// Spark's Kafka source and sink options for the live queries: the same brokers and security as every other
// client here, in the Java client's settings (each prefixed `kafka.`), so `traffic live` reads and writes a
// SASL_SSL cluster too.
import type { KafkaConfig } from '../config.ts'
import { jaasConfig } from '../stream/jaas.ts'

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
    options['kafka.sasl.jaas.config'] = jaasConfig(sasl.mechanism, {
      username: sasl.username,
      password: sasl.password,
    })
  }
  if (caFile) {
    options['kafka.ssl.truststore.type'] = 'PEM'
    options['kafka.ssl.truststore.location'] = caFile
  }
  return options
}
