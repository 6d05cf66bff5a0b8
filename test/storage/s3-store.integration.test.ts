import { after, before } from 'node:test'
import { S3Store } from '../../src/storage/s3-store.ts'
import { type RunningS3Proxy, startS3Proxy } from './s3proxy-fixture.ts'
import { storeContract } from './store-contract.ts'

let s3proxy: RunningS3Proxy
before(async () => {
  s3proxy = await startS3Proxy()
})
after(() => s3proxy?.stop())
let stores = 0

storeContract('S3Proxy', {
  racingSwapsGap:
    'S3Proxy 4.0.0 (filesystem-nio2) checks If-Match, then writes: two swaps from one ETag both succeed under load',
  open: async () => new S3Store(s3proxy.settings, s3proxy.bucket, `store-${++stores}/`),
  failures: async () => {
    const { settings, bucket } = s3proxy
    const credentials = settings.credentials as { accessKeyId: string; secretAccessKey: string }
    const wrongSecret = `wrong-${credentials.secretAccessKey.slice(0, 8)}-secret`
    return [
      {
        what: 'an unknown bucket',
        store: new S3Store(settings, 'no-such-bucket', ''),
        message:
          /s3:\/\/no-such-bucket at http:\/\/127\.0\.0\.1:\d+ \(AWS_ENDPOINT_URL_S3\).*bucket does not exist/,
      },
      {
        what: 'a wrong secret key',
        store: new S3Store(
          { ...settings, credentials: { ...credentials, secretAccessKey: wrongSecret } },
          bucket,
          '',
        ),
        message: /secret key does not match/,
        secret: wrongSecret,
      },
      {
        what: 'an unknown access key',
        store: new S3Store(
          { ...settings, credentials: { ...credentials, accessKeyId: 'nobody' } },
          bucket,
          '',
        ),
        message: /access key is not known/,
        secret: credentials.secretAccessKey,
      },
    ]
  },
})
