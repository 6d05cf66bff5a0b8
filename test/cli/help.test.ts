// `--help` everywhere: the top-level help lists every subcommand, and each subcommand's help (which loads only
// that subcommand, src/cli.ts) shows its own usage.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { traffic } from '../fixtures/cli.ts'

const SUBCOMMANDS = [
  'up',
  'engines',
  'cluster',
  'generate',
  'produce',
  'consume',
  'train',
  'models',
  'serve',
  'ui',
  'live',
]

test('traffic --help lists every subcommand, in pipeline order', async () => {
  const help = await traffic(['--help'])
  assert.equal(help.code, 0, help.stderr)
  const listed = [...help.stdout.matchAll(/^ {2}(\w+) /gm)].map((match) => match[1])
  assert.deepEqual(listed, [...SUBCOMMANDS, 'help'])
})

test('each subcommand answers --help with its own usage', async () => {
  for (const name of SUBCOMMANDS) {
    const help = await traffic([name, '--help'])
    assert.equal(help.code, 0, `${name}: ${help.stderr}`)
    assert.match(help.stdout, new RegExp(`^Usage: traffic ${name} `), name)
  }
})

test('an unknown subcommand is refused with the closest name', async () => {
  const typo = await traffic(['modls'])
  assert.equal(typo.code, 1)
  assert.match(typo.stderr, /unknown command 'modls'[\s\S]*Did you mean models\?/)
})
