// Our servers' addresses as URLs, with IPv6 literals in brackets (`http://[::1]:5000`): the one place a host and
// a port become a URL, so API_HOST=::1 works wherever an address is shown or called.
import { isIPv6 } from 'node:net'

export function httpUrlOf(host: string, port: number): string {
  return `http://${isIPv6(host) ? `[${host}]` : host}:${port}`
}
