/**
 * `kafkit avro-types`: writes TypeScript types and typed schema constants for Avro schema files.
 *
 * ```sh
 * npx kafkit avro-types schemas/*.avsc --out src/generated
 * npx kafkit avro-types schemas --out src/generated --check   # CI: fail when the generated files are stale
 * ```
 * @module
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  AVRO_CODEGEN_DEFAULTS,
  AvroCodegenError,
  type AvroSourceFile,
  generateAvroTypes,
} from '../serde/avro-codegen.js'

const USAGE = `Usage: kafkit avro-types <schema.avsc | directory>... --out <directory> [options]

Writes one TypeScript module per .avsc file (interfaces for records, const objects and
union types for enums, a typed schema constant for serdes.avro) and an index.ts.

Options:
  -o, --out <dir>          directory to write to (created if missing)
      --import-from <mod>  module to import kafkit's types from (default: ${AVRO_CODEGEN_DEFAULTS.importFrom})
      --no-index           do not write index.ts
      --check              write nothing; exit 1 if the files in --out are not up to date
  -h, --help               show this help
`

/** Where the CLI writes its messages; the process streams by default. */
export interface CliIo {
  /** Progress and results. */
  readonly stdout: { write(text: string): unknown }
  /** Errors and usage. */
  readonly stderr: { write(text: string): unknown }
  /** Directory relative paths are resolved against. */
  readonly cwd: string
}

/** Exit codes of {@link runAvroTypesCli}. */
export const AvroTypesExitCode = {
  /** Files written (or up to date with `--check`). */
  OK: 0,
  /** A schema is invalid, a file could not be read or written, or (`--check`) the output is stale. */
  FAILED: 1,
  /** Wrong arguments. */
  USAGE: 2,
} as const

/**
 * Runs `kafkit avro-types` with the arguments after the command name and resolves to the exit code.
 *
 * @param argv - e.g. `['schemas/order.avsc', '--out', 'src/generated']`
 * @param io - output streams and working directory, for tests
 */
export async function runAvroTypesCli(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() },
): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    io.stderr.write(`kafkit avro-types: ${(error as Error).message}\n\n${USAGE}`)
    return AvroTypesExitCode.USAGE
  }
  const { values, positionals } = parsed
  if (values.help) {
    io.stdout.write(USAGE)
    return AvroTypesExitCode.OK
  }
  if (positionals.length === 0 || values.out === undefined) {
    io.stderr.write(
      `kafkit avro-types: ${positionals.length === 0 ? 'no schema files given' : '--out is required'}\n\n${USAGE}`,
    )
    return AvroTypesExitCode.USAGE
  }
  const outDir = resolve(io.cwd, values.out)
  try {
    const paths = await expandInputs(positionals, io.cwd)
    if (paths.length === 0) throw new AvroCodegenError(`no .avsc files found in ${positionals.join(' ')}`)
    const sources: AvroSourceFile[] = await Promise.all(
      paths.map(async (path) => ({ path, text: await readFile(resolve(io.cwd, path), 'utf8') })),
    )
    const files = generateAvroTypes(sources, {
      importFrom: values['import-from'] ?? AVRO_CODEGEN_DEFAULTS.importFrom,
      index: !values['no-index'],
    })
    if (values.check) {
      const stale: string[] = []
      for (const file of files) {
        const current = await readFile(join(outDir, file.path), 'utf8').catch(() => undefined)
        if (current !== file.content) stale.push(file.path)
      }
      if (stale.length > 0) {
        io.stderr.write(
          `kafkit avro-types: out of date in ${values.out}: ${stale.join(', ')} (run without --check to regenerate)\n`,
        )
        return AvroTypesExitCode.FAILED
      }
      io.stdout.write(`${files.length} files in ${values.out} are up to date\n`)
      return AvroTypesExitCode.OK
    }
    await mkdir(outDir, { recursive: true })
    for (const file of files) await writeFile(join(outDir, file.path), file.content)
    io.stdout.write(`wrote ${files.map((file) => file.path).join(', ')} to ${values.out}\n`)
    return AvroTypesExitCode.OK
  } catch (error) {
    io.stderr.write(`kafkit avro-types: ${error instanceof Error ? error.message : String(error)}\n`)
    return AvroTypesExitCode.FAILED
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string', short: 'o' },
      'import-from': { type: 'string' },
      'no-index': { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
}

/**
 * Files as given, `.avsc` files of given directories, and `*` patterns in the last path segment (for shells that do
 * not expand them, such as Windows' cmd). Sorted and deduplicated so output does not depend on argument order.
 */
async function expandInputs(inputs: readonly string[], cwd: string): Promise<string[]> {
  const found = new Set<string>()
  for (const input of inputs) {
    if (basename(input).includes('*')) {
      const directory = dirname(input)
      const pattern = new RegExp(
        `^${basename(input)
          .split('*')
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      )
      for (const entry of await readdir(resolve(cwd, directory)))
        if (pattern.test(entry)) found.add(join(directory, entry))
      continue
    }
    const info = await stat(resolve(cwd, input)).catch(() => undefined)
    if (info === undefined) throw new AvroCodegenError(`no such file or directory: ${input}`)
    if (info.isDirectory()) {
      for (const entry of await readdir(resolve(cwd, input))) if (/\.avsc$/i.test(entry)) found.add(join(input, entry))
    } else {
      found.add(input)
    }
  }
  return [...found].sort()
}
