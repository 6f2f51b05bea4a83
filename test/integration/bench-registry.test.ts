// The benchmark's registry URL against the real Apicurio registry of the test run: `npm run cluster` and the test
// setup export Apicurio's base URL as SCHEMA_REGISTRY_URL, and the benchmark must find the Confluent-compatible API
// under it instead of failing scenario 4 with 404s.
import { describe, expect, it } from 'vitest'
import { confluentRegistryUrl } from '../../bench/lib/cluster.js'
import { freePorts } from '../../scripts/cluster-lib.mjs'
import { registryUrl } from './helpers/avro.js'

const COMPAT = '/apis/ccompat/v7'

describe('the benchmark resolves the registry URL it is given', () => {
  const compatible = registryUrl()
  const base = compatible.slice(0, -COMPAT.length)

  it('takes an Apicurio base URL with the compatible path, and says so', async () => {
    const lines: string[] = []
    expect(await confluentRegistryUrl(`${base}/`, (line) => lines.push(line))).toBe(compatible)
    expect(lines).toEqual([expect.stringContaining(`under ${COMPAT}`)])
    const response = await fetch(`${compatible}/subjects`)
    expect(response.status).toBe(200)
  })

  it('keeps a URL that already serves the compatible API', async () => {
    const lines: string[] = []
    expect(await confluentRegistryUrl(compatible, (line) => lines.push(line))).toBe(compatible)
    expect(lines).toEqual([])
  })

  it('keeps a URL nothing answers at, so that scenario 4 reports the failure', async () => {
    const [port] = (await freePorts(1)) as [number]
    const closed = `http://127.0.0.1:${port}`
    expect(await confluentRegistryUrl(closed, () => {})).toBe(closed)
  })
})
