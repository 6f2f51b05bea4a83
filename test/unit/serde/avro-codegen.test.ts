import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type avro from 'avsc'
import ts from 'typescript'
import { afterAll, describe, expect, it } from 'vitest'
import { runAvroTypesCli } from '../../../src/cli/avro-types.js'
import { AvroCodegenError, generateAvroTypes } from '../../../src/serde/avro-codegen.js'
import { avroTypeFor } from '../../../src/serde/avro-logical-types.js'
import { orderSchema } from '../../fixtures/avro/generated/order.js'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const fixtures = join(root, 'test/fixtures/avro')
const temporary: string[] = []
afterAll(async () => {
  await Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })))
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kafkit-avro-codegen-'))
  temporary.push(dir)
  return dir
}

function silentIo(cwd = root) {
  const out: string[] = []
  const err: string[] = []
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, cwd },
    out,
    err,
  }
}

function generate(schemas: Record<string, unknown>): Record<string, string> {
  const files = generateAvroTypes(
    Object.entries(schemas).map(([path, json]) => ({ path, text: JSON.stringify(json) })),
    { index: false },
  )
  return Object.fromEntries(files.map((file) => [file.path, file.content]))
}

/** Type-checks TypeScript files with the project's strict settings; returns the diagnostics as text. */
function typeCheck(files: string[]): string[] {
  const program = ts.createProgram({
    rootNames: files,
    options: {
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      noEmit: true,
      skipLibCheck: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      types: ['node'],
      typeRoots: [join(root, 'node_modules/@types')],
    },
  })
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)
}

describe('kafkit avro-types', () => {
  it('the generated fixture in test/fixtures/avro/generated is up to date', async () => {
    const { io, err } = silentIo()
    const code = await runAvroTypesCli(
      [
        join(fixtures, 'schemas'),
        '--out',
        join(fixtures, 'generated'),
        '--import-from',
        '../../../../src/serde/avro-schema.js',
        '--check',
      ],
      io,
    )
    expect(err.join('')).toBe('')
    expect(code).toBe(0)
  })

  it("writes modules that compile under the project's strict settings and type the serde", async () => {
    const dir = await tempDir()
    const { io, out } = silentIo()
    const src = join(root, 'src')
    expect(
      await runAvroTypesCli(
        [join(fixtures, 'schemas/*.avsc'), '-o', dir, '--import-from', join(src, 'serde/avro-schema.js')],
        io,
      ),
    ).toBe(0)
    expect(out.join('')).toMatch(/wrote address\.ts, order\.ts, index\.ts/)
    const usage = join(dir, 'usage.ts')
    await writeFile(
      usage,
      `
import { SchemaRegistry } from '${join(src, 'registry/index.js')}'
import { avro } from '${join(src, 'serde/avro.js')}'
import type { Serde } from '${join(src, 'serde/types.js')}'
import { type Address, Country, type Order, orderSchema, Status } from './index.js'
const registry = new SchemaRegistry({ url: 'mock://codegen' })
export const typed: Serde<Order> = avro({ registry, schema: orderSchema })
export const status: Status = Status.SHIPPED
export const address: Address = { street: 's', city: 'c', country: Country.FR, postcode: null }
// @ts-expect-error not a symbol of the enum
export const lost: Status = 'LOST'
// @ts-expect-error a serde of Order is not a serde of Address
export const wrong: Serde<Address> = avro({ registry, schema: orderSchema })
`,
    )
    expect(typeCheck([join(dir, 'index.ts'), usage])).toEqual([])
  }, 60_000) // a TypeScript program with Node's types: seconds on a busy machine

  it('makes schema constants that stand alone: a type used from another file is inlined', () => {
    const type = avroTypeFor(orderSchema)
    expect(type.name).toBe('com.acme.orders.Order')
    const customer = (type as avro.types.RecordType).field('customer').type as avro.types.RecordType
    expect(customer.field('address').type.name).toBe('com.acme.common.Address')
  })

  it('types unions as avsc decodes them: unwrapped when unambiguous, wrapped by branch name otherwise', () => {
    const { 'u.ts': code } = generate({
      'u.avsc': {
        type: 'record',
        name: 'U',
        namespace: 'n',
        fields: [
          { name: 'maybe', type: ['null', 'string', 'int'] },
          {
            name: 'either',
            type: [
              { type: 'record', name: 'A', fields: [] },
              { type: 'record', name: 'B', fields: [] },
            ],
          },
          { name: 'numbers', type: ['null', 'int', 'long'] },
          { name: 'when', type: ['null', { type: 'long', logicalType: 'timestamp-millis' }] },
        ],
      },
    })
    expect(code).toContain('maybe: null | string | number')
    expect(code).toContain('either: { "n.A": A } | { "n.B": B }')
    expect(code).toContain('numbers: null | { "int": number } | { "long": number }')
    expect(code).toContain('when: null | Date')
  })

  it('qualifies names that collide or are reserved, and names top-level non-records after the file', () => {
    const files = generate({
      'one.avsc': {
        type: 'record',
        name: 'Item',
        namespace: 'a.b',
        fields: [{ name: 'd', type: { type: 'record', name: 'Date', fields: [] } }],
      },
      'two.avsc': { type: 'record', name: 'Item', namespace: 'c', fields: [] },
      'my-list.avsc': { type: 'array', items: 'string' },
      'buffer.avsc': { type: 'record', name: 'Buffer', fields: [{ name: 'data', type: 'bytes' }] },
    })
    expect(files['buffer.ts']).toContain('export interface AvroBuffer {\n  data: Buffer\n}')
    expect(files['one.ts']).toContain('export interface ABItem {')
    expect(files['one.ts']).toContain('export interface ABDate {}')
    expect(files['one.ts']).toContain('export const abItemSchema: TypedAvroSchema<ABItem>')
    expect(files['two.ts']).toContain('export interface CItem {')
    expect(files['my-list.ts']).toContain('export type MyList = Array<string>')
    expect(files['my-list.ts']).toContain('export const myListSchema: TypedAvroSchema<MyList>')
  })

  it('reports bad schemas naming the file', () => {
    const fail = (schemas: Record<string, string>) => {
      try {
        generateAvroTypes(Object.entries(schemas).map(([path, text]) => ({ path, text })))
      } catch (error) {
        expect(error).toBeInstanceOf(AvroCodegenError)
        return (error as Error).message
      }
      throw new Error('expected a failure')
    }
    expect(fail({ 'bad.avsc': '{ nope' })).toMatch(/^bad\.avsc: not JSON/)
    expect(fail({ 'bad.avsc': '{"type":"record","name":"R","fields":[{"name":"x","type":"Missing"}]}' })).toMatch(
      /^bad\.avsc: not a valid Avro schema: undefined type name: Missing/,
    )
    expect(
      fail({
        'a.avsc': '{"type":"record","name":"A","fields":[{"name":"b","type":"B"}]}',
        'b.avsc': '{"type":"record","name":"B","fields":[{"name":"a","type":"A"}]}',
      }),
    ).toMatch(/cycle: a\.avsc -> b\.avsc -> a\.avsc/)
    expect(
      fail({
        'a.avsc': '{"type":"enum","name":"E","symbols":["X"]}',
        'b.avsc': '{"type":"enum","name":"E","symbols":["Y"]}',
      }),
    ).toMatch(/^b\.avsc: defines E, already defined in a\.avsc/)
    expect(fail({ 'x/index.avsc': '"string"' })).toMatch(/index\.avsc/)
  })

  it('answers usage errors with exit code 2 and the usage, and missing files with 1', async () => {
    const noOut = silentIo()
    expect(await runAvroTypesCli([join(fixtures, 'schemas')], noOut.io)).toBe(2)
    expect(noOut.err.join('')).toMatch(/--out is required[\s\S]*Usage: kafkit avro-types/)
    expect(await runAvroTypesCli(['--bogus'], silentIo().io)).toBe(2)
    const missing = silentIo()
    expect(await runAvroTypesCli(['nope/*.avsc', '--out', await tempDir()], missing.io)).toBe(1)
    expect(missing.err.join('')).toMatch(/nope/)
    const help = silentIo()
    expect(await runAvroTypesCli(['--help'], help.io)).toBe(0)
    expect(help.out.join('')).toMatch(/--import-from/)
  })

  it('--check fails when a generated file was edited', async () => {
    const dir = await tempDir()
    const schemas = join(fixtures, 'schemas')
    expect(await runAvroTypesCli([schemas, '--out', dir], silentIo().io)).toBe(0)
    await writeFile(join(dir, 'order.ts'), `${await readFile(join(dir, 'order.ts'), 'utf8')}\n// edited\n`)
    const check = silentIo()
    expect(await runAvroTypesCli([schemas, '--out', dir, '--check'], check.io)).toBe(1)
    expect(check.err.join('')).toMatch(/out of date.*order\.ts/)
  })
})
