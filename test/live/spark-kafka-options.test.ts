import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sparkKafkaOptions } from '../../src/live/spark-kafka-options.ts'

test('Spark’s Kafka source and sink get the same brokers and security as the Java client’s settings', () => {
  const brokers = ['127.0.0.1:19092', '127.0.0.1:19093']
  assert.deepEqual(sparkKafkaOptions({ brokers, security: { protocol: 'PLAINTEXT' } }), {
    'kafka.bootstrap.servers': '127.0.0.1:19092,127.0.0.1:19093',
    'kafka.security.protocol': 'PLAINTEXT',
  })
  const secure = sparkKafkaOptions({
    brokers,
    security: {
      protocol: 'SASL_SSL',
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'traffic', password: 'p"a\\ss' },
      caFile: '/certs/ca.pem',
    },
  })
  assert.deepEqual(secure, {
    'kafka.bootstrap.servers': '127.0.0.1:19092,127.0.0.1:19093',
    'kafka.security.protocol': 'SASL_SSL',
    'kafka.sasl.mechanism': 'SCRAM-SHA-512',
    'kafka.sasl.jaas.config':
      'org.apache.kafka.common.security.scram.ScramLoginModule required username="traffic" password="p\\"a\\\\ss";',
    'kafka.ssl.truststore.type': 'PEM',
    'kafka.ssl.truststore.location': '/certs/ca.pem',
  })
  const plain = sparkKafkaOptions({
    brokers,
    security: { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'PLAIN', username: 'u', password: 'p' } },
  })
  assert.equal(
    plain['kafka.sasl.jaas.config'],
    'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";',
  )
})
