/**
 * TypeScript from Avro schemas (`.avsc`): an interface per record, an `as const` object plus a union type per enum,
 * TypeScript unions for Avro unions, and a typed schema constant per file to pass to `serdes.avro({ schema })`.
 *
 * The types are read off the avsc types the serde itself builds (same options, same logical types), so they
 * describe exactly what the serde decodes: for instance a union of two records is wrapped (`{ 'com.acme.Card': Card }`)
 * because avsc wraps it, and `timestamp-millis` is a `Date` because kafkit maps it to one.
 *
 * Schemas may use named types defined in other files given in the same run: the generated module imports their
 * TypeScript types, and its schema constant inlines their definitions (a registry needs a self-contained schema).
 * @module
 */
import { collectDefinitions, dependencyOrder, parseInOrder, readSources } from './avro-codegen-sources.js'
import { emitModule, header, typeScriptNames } from './avro-codegen-emit.js'

export { AvroCodegenError } from './avro-codegen-sources.js'

/** An `.avsc` file to generate from. */
export interface AvroSourceFile {
  /** Its path, used in messages and, by its base name, for the generated module's name. */
  readonly path: string
  /** Its content: the JSON of one Avro schema. */
  readonly text: string
}

/** A generated TypeScript module. */
export interface GeneratedFile {
  /** File name relative to the output directory, e.g. `order.ts`. */
  readonly path: string
  /** The TypeScript source. */
  readonly content: string
}

/** Options of {@link generateAvroTypes}. */
export interface AvroCodegenOptions {
  /** Module the generated files import kafkit's `TypedAvroSchema` type from. @default 'kafkit' */
  importFrom?: string
  /** Also write an `index.ts` that re-exports every generated module. @default true */
  index?: boolean
}

/** Defaults of {@link AvroCodegenOptions}. */
export const AVRO_CODEGEN_DEFAULTS = Object.freeze({ importFrom: 'kafkit', index: true } as const)

/**
 * Generates TypeScript modules from Avro schema files. Throws {@link AvroCodegenError} naming the file when a schema
 * is not valid JSON or not valid Avro, or when files depend on each other in a cycle.
 *
 * @param sources - the `.avsc` files, in any order (dependencies are resolved across them)
 * @param options - import path of kafkit, index module
 */
export function generateAvroTypes(
  sources: readonly AvroSourceFile[],
  options: AvroCodegenOptions = {},
): GeneratedFile[] {
  const importFrom = options.importFrom ?? AVRO_CODEGEN_DEFAULTS.importFrom
  const withIndex = options.index ?? AVRO_CODEGEN_DEFAULTS.index
  const files = readSources(sources)
  const definitions = collectDefinitions(files)
  const ordered = dependencyOrder(files, definitions)
  parseInOrder(ordered)
  const names = typeScriptNames(definitions)
  const generated = files.map((file) => ({
    path: `${file.module}.ts`,
    content: emitModule(file, definitions, names, importFrom),
  }))
  if (withIndex && files.length > 0) {
    const lines = files.map((file) => `export * from './${file.module}.js'`)
    generated.push({ path: 'index.ts', content: `${header('the schemas of this directory')}\n${lines.join('\n')}\n` })
  }
  return generated
}
