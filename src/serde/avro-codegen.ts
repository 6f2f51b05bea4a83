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
import avro from 'avsc'
import type { Type } from 'avsc'
import { KafkaError } from '../errors/kafka-error.js'
import { AVRO_TYPE_OPTIONS } from './avro-logical-types.js'

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

/** A schema file could not be turned into TypeScript. Names the file. */
export class AvroCodegenError extends KafkaError {
  override name = 'AvroCodegenError'
  /** The schema file concerned, when there is one. */
  readonly file: string | undefined

  /**
   * Creates a code generation error.
   * @param message - what is wrong
   * @param file - the schema file concerned
   * @param options - cause
   */
  constructor(message: string, file?: string, options: { cause?: unknown } = {}) {
    super('ERR_AVRO_CODEGEN', file === undefined ? message : `${file}: ${message}`, options)
    this.file = file
  }
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'])

// Names a generated declaration must not take: TypeScript keywords and the globals the generated code uses.
const RESERVED = new Set([
  'any', 'Array', 'bigint', 'boolean', 'break', 'Buffer', 'case', 'catch', 'class', 'const', 'continue', 'Date',
  'debugger', 'declare', 'default', 'delete', 'do', 'else', 'enum', 'export', 'extends', 'false', 'finally', 'for',
  'function', 'if', 'implements', 'import', 'in', 'instanceof', 'interface', 'let', 'never', 'new', 'null', 'number',
  'object', 'package', 'private', 'protected', 'public', 'Record', 'return', 'static', 'string', 'super', 'switch',
  'symbol', 'this', 'throw', 'true', 'try', 'type', 'typeof', 'TypedAvroSchema', 'undefined', 'unknown', 'var',
  'void', 'while', 'with', 'yield',
])

/** A named type as written in a source file. */
interface Definition {
  readonly fullName: string
  readonly file: Source
  /** The JSON node that defines it, and the namespace it was defined in (for inlining it elsewhere). */
  readonly node: Record<string, unknown>
}

interface Source {
  readonly path: string
  readonly module: string
  readonly json: unknown
  readonly defines: string[]
  readonly references: Set<string>
  type?: Type
}

function qualify(name: string, namespace: string | undefined): string {
  if (name.includes('.')) return name.replace(/^\./, '')
  if (PRIMITIVES.has(name)) return name
  return namespace ? `${namespace}.${name}` : name
}

function impliedNamespace(name: string): string | undefined {
  const dot = name.lastIndexOf('.')
  return dot === -1 ? undefined : name.slice(0, dot)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Visits a schema's JSON the way avsc reads it: records open a namespace scope, named types are qualified with the
 * enclosing namespace, strings are references.
 */
function walkSchema(
  node: unknown,
  namespace: string | undefined,
  visit: {
    define(fullName: string, node: Record<string, unknown>): void
    reference(fullName: string): void
  },
): void {
  if (typeof node === 'string') {
    if (!PRIMITIVES.has(node)) visit.reference(qualify(node, namespace))
    return
  }
  if (Array.isArray(node)) {
    for (const branch of node) walkSchema(branch, namespace, visit)
    return
  }
  if (!isObject(node)) return
  const type = node.type
  if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
    const own = typeof node.namespace === 'string' ? node.namespace : undefined
    const name = typeof node.name === 'string' ? node.name : undefined
    let scope = namespace
    if (name !== undefined) {
      const fullName = qualify(name, own ?? namespace)
      visit.define(fullName, node)
      scope = own ?? impliedNamespace(fullName) ?? namespace
    }
    if ((type === 'record' || type === 'error') && Array.isArray(node.fields)) {
      for (const field of node.fields) if (isObject(field)) walkSchema(field.type, scope, visit)
    }
    return
  }
  if (type === 'array') return walkSchema(node.items, namespace, visit)
  if (type === 'map') return walkSchema(node.values, namespace, visit)
  // { "type": "string", ... } or { "type": <nested schema> }
  walkSchema(type, namespace, visit)
}

function moduleName(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path
  return base.replace(/\.avsc$/i, '')
}

function pascalCase(text: string): string {
  return text.split(/[^A-Za-z0-9]+/).filter(Boolean).map((part) => part[0]!.toUpperCase() + part.slice(1)).join('')
}

function camelCase(text: string): string {
  const pascal = pascalCase(text)
  if (/^[A-Z0-9]+$/.test(pascal)) return pascal.toLowerCase()
  // A leading acronym is lowered as a whole: ABItem -> abItem, not aBItem.
  const acronym = /^[A-Z]+(?=[A-Z][a-z])/.exec(pascal)?.[0]
  if (acronym !== undefined) return acronym.toLowerCase() + pascal.slice(acronym.length)
  return pascal.length === 0 ? pascal : pascal[0]!.toLowerCase() + pascal.slice(1)
}

function docComment(doc: unknown, indent: string): string {
  if (typeof doc !== 'string' || doc.trim() === '') return ''
  const lines = doc.replace(/\*\//g, '*\\/').split(/\r?\n/)
  return lines.length === 1
    ? `${indent}/** ${lines[0]!.trim()} */\n`
    : `${indent}/**\n${lines.map((line) => `${indent} * ${line.trimEnd()}`.trimEnd()).join('\n')}\n${indent} */\n`
}

function propertyName(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name)
}

/**
 * Generates TypeScript modules from Avro schema files. Throws {@link AvroCodegenError} naming the file when a schema
 * is not valid JSON or not valid Avro, or when files depend on each other in a cycle.
 *
 * @param sources - the `.avsc` files, in any order (dependencies are resolved across them)
 * @param options - import path of kafkit, index module
 */
export function generateAvroTypes(sources: readonly AvroSourceFile[], options: AvroCodegenOptions = {}): GeneratedFile[] {
  const importFrom = options.importFrom ?? AVRO_CODEGEN_DEFAULTS.importFrom
  const withIndex = options.index ?? AVRO_CODEGEN_DEFAULTS.index
  const files = readSources(sources)
  const definitions = collectDefinitions(files)
  const ordered = dependencyOrder(files, definitions)
  parseInOrder(ordered)
  const names = typeScriptNames(definitions)
  const generated = files.map((file) => ({ path: `${file.module}.ts`, content: emitModule(file, definitions, names, importFrom) }))
  if (withIndex && files.length > 0) {
    const lines = files.map((file) => `export * from './${file.module}.js'`)
    generated.push({ path: 'index.ts', content: `${header('the schemas of this directory')}\n${lines.join('\n')}\n` })
  }
  return generated
}

function readSources(sources: readonly AvroSourceFile[]): Source[] {
  const modules = new Map<string, string>()
  return sources.map((source) => {
    const module = moduleName(source.path)
    if (module === 'index') throw new AvroCodegenError('a schema file cannot be named index.avsc (index.ts re-exports the others)', source.path)
    if (!/^[A-Za-z0-9_.-]+$/.test(module)) throw new AvroCodegenError('file names may only use letters, digits, _, . and -', source.path)
    const clash = modules.get(module)
    if (clash !== undefined) throw new AvroCodegenError(`generates ${module}.ts, like ${clash}`, source.path)
    modules.set(module, source.path)
    let json: unknown
    try {
      json = JSON.parse(source.text)
    } catch (error) {
      throw new AvroCodegenError(`not JSON: ${(error as Error).message}`, source.path, { cause: error })
    }
    return { path: source.path, module, json, defines: [], references: new Set<string>() }
  })
}

function collectDefinitions(files: Source[]): Map<string, Definition> {
  const definitions = new Map<string, Definition>()
  for (const file of files) {
    walkSchema(file.json, undefined, {
      define(fullName, node) {
        const existing = definitions.get(fullName)
        if (existing) throw new AvroCodegenError(`defines ${fullName}, already defined in ${existing.file.path}`, file.path)
        definitions.set(fullName, { fullName, file, node })
        file.defines.push(fullName)
      },
      reference(fullName) {
        file.references.add(fullName)
      },
    })
  }
  return definitions
}

/** Files ordered so that each comes after the files defining the names it uses. */
function dependencyOrder(files: Source[], definitions: Map<string, Definition>): Source[] {
  const ordered: Source[] = []
  const state = new Map<Source, 'visiting' | 'done'>()
  const visit = (file: Source, chain: Source[]): void => {
    const current = state.get(file)
    if (current === 'done') return
    if (current === 'visiting') {
      throw new AvroCodegenError(`schema files depend on each other in a cycle: ${[...chain, file].map((f) => f.path).join(' -> ')}`, file.path)
    }
    state.set(file, 'visiting')
    for (const reference of file.references) {
      const owner = definitions.get(reference)?.file
      if (owner && owner !== file) visit(owner, [...chain, file])
    }
    state.set(file, 'done')
    ordered.push(file)
  }
  for (const file of files) visit(file, [])
  return ordered
}

function parseInOrder(ordered: Source[]): void {
  // One avsc registry for the run, so that a file can use names defined by the files before it.
  const registry: Record<string, Type> = {}
  for (const file of ordered) {
    try {
      file.type = avro.Type.forSchema(file.json as avro.Schema, { ...AVRO_TYPE_OPTIONS, registry })
    } catch (error) {
      throw new AvroCodegenError(`not a valid Avro schema: ${(error as Error).message}`, file.path, { cause: error })
    }
  }
}

/** The TypeScript name of each named type: its short name, or namespace-qualified where short names collide. */
function typeScriptNames(definitions: Map<string, Definition>): Map<string, string> {
  const byShortName = new Map<string, number>()
  for (const fullName of definitions.keys()) {
    const short = fullName.split('.').pop()!
    byShortName.set(short, (byShortName.get(short) ?? 0) + 1)
  }
  const names = new Map<string, string>()
  for (const fullName of definitions.keys()) {
    const short = fullName.split('.').pop()!
    const unique = byShortName.get(short) === 1 && !RESERVED.has(short) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(short)
    const name = unique ? short : pascalCase(fullName) || 'AvroType'
    names.set(fullName, RESERVED.has(name) ? `Avro${name}` : name)
  }
  return names
}

interface ModuleEmitter {
  readonly file: Source
  readonly names: Map<string, string>
  readonly definitions: Map<string, Definition>
  readonly declarations: string[]
  readonly declared: Set<string>
  readonly imports: Map<string, Set<string>>
}

function emitModule(file: Source, definitions: Map<string, Definition>, names: Map<string, string>, importFrom: string): string {
  const emitter: ModuleEmitter = { file, names, definitions, declarations: [], declared: new Set(), imports: new Map() }
  const type = file.type!
  const topName = type.name === undefined ? undefined : names.get(type.name)
  const expression = typeExpression(type, emitter)
  let valueType: string
  if (topName === undefined) {
    valueType = pascalCase(file.module) || 'Value'
    emitter.declarations.push(`${docComment(type.doc, '') || `/** Values of the schema in ${file.path.split(/[\\/]/).pop() ?? file.path}. */\n`}export type ${valueType} = ${expression}\n`)
  } else {
    valueType = topName
  }
  const constName = `${camelCase(topName ?? file.module) || 'value'}Schema`
  const schemaJson = inlineForeignTypes(file, definitions)
  const importLines = [`import type { TypedAvroSchema } from '${importFrom}'`]
  for (const [module, imported] of [...emitter.imports].sort(([a], [b]) => a.localeCompare(b))) {
    importLines.push(`import type { ${[...imported].sort().join(', ')} } from './${module}.js'`)
  }
  return [
    header(file.path.split(/[\\/]/).pop() ?? file.path),
    '',
    importLines.join('\n'),
    '',
    ...emitter.declarations,
    `/** The schema of {@link ${valueType}}, for \`serdes.avro({ registry, schema: ${constName} })\`. */`,
    `export const ${constName}: TypedAvroSchema<${valueType}> = ${JSON.stringify(schemaJson, null, 2)}`,
    '',
  ].join('\n')
}

function header(source: string): string {
  return `// Generated by \`kafkit avro-types\` from ${source}. Do not edit: change the schema and generate again.`
}

/** The TypeScript type of values of an avsc type, declaring the named types this module owns on the way. */
function typeExpression(type: Type, emitter: ModuleEmitter): string {
  const typeName = type.typeName
  switch (typeName) {
    case 'null': return 'null'
    case 'boolean': return 'boolean'
    case 'int':
    case 'long':
    case 'float':
    case 'double': return 'number'
    case 'string': return 'string'
    case 'bytes': return 'Buffer'
    case 'logical:timestamp-millis': return 'Date'
    case 'logical:date':
    case 'logical:decimal':
    case 'logical:uuid': return 'string'
    case 'array': return `Array<${typeExpression((type as avro.types.ArrayType).itemsType, emitter)}>`
    case 'map': return `Record<string, ${typeExpression((type as avro.types.MapType).valuesType as Type, emitter)}>`
    case 'union:unwrapped':
      return (type as avro.types.UnwrappedUnionType).types.map((branch) => typeExpression(branch, emitter)).join(' | ')
    case 'union:wrapped':
      // avsc wraps ambiguous unions: each non-null value is an object with one key, the branch's name.
      return (type as avro.types.WrappedUnionType).types
        .map((branch) => (branch.typeName === 'null' ? 'null' : `{ ${JSON.stringify(branch.branchName)}: ${typeExpression(branch, emitter)} }`))
        .join(' | ')
    case 'record':
    case 'error':
    case 'enum':
    case 'fixed': return namedType(type, emitter)
    default:
      if (typeName.startsWith('logical:')) {
        return typeExpression((type as avro.types.LogicalType).underlyingType, emitter)
      }
      throw new AvroCodegenError(`unsupported Avro type ${typeName}`, emitter.file.path)
  }
}

function namedType(type: Type, emitter: ModuleEmitter): string {
  const fullName = type.name!
  const name = emitter.names.get(fullName) ?? fullName
  const owner = emitter.definitions.get(fullName)?.file
  if (owner && owner !== emitter.file) {
    const imported = emitter.imports.get(owner.module) ?? new Set<string>()
    imported.add(name)
    emitter.imports.set(owner.module, imported)
    return name
  }
  if (emitter.declared.has(fullName)) return name
  emitter.declared.add(fullName)
  const doc = docComment(type.doc, '')
  if (type.typeName === 'enum') {
    const symbols = (type as avro.types.EnumType).symbols
    emitter.declarations.push(
      `${doc || `/** The symbols of Avro enum \`${fullName}\`. */\n`}`
      + `export const ${name} = {\n${symbols.map((symbol) => `  ${propertyName(symbol)}: ${JSON.stringify(symbol)},`).join('\n')}\n} as const\n`
      + `/** One of {@link ${name}}. */\nexport type ${name} = (typeof ${name})[keyof typeof ${name}]\n`,
    )
    return name
  }
  if (type.typeName === 'fixed') {
    emitter.declarations.push(`${doc || `/** Avro fixed \`${fullName}\` (${(type as avro.types.FixedType).size} bytes). */\n`}export type ${name} = Buffer\n`)
    return name
  }
  // Reserve the slot before the fields so nested declarations come after their parent, as in the schema.
  const slot = emitter.declarations.push('') - 1
  const fields = (type as avro.types.RecordType).fields.map((field) => {
    const fieldDoc = docComment((field as { doc?: unknown }).doc, '  ')
    return `${fieldDoc}  ${propertyName(field.name)}: ${typeExpression(field.type, emitter)}`
  })
  const body = fields.length === 0 ? '{}' : `{\n${fields.join('\n')}\n}`
  emitter.declarations[slot] = `${doc || `/** Avro record \`${fullName}\`. */\n`}export interface ${name} ${body}\n`
  return name
}

/**
 * The file's schema JSON with the definitions of named types from other files put in at their first use, so that
 * the constant is a complete schema. Inlined definitions take their full name so that they keep their namespace.
 */
function inlineForeignTypes(file: Source, definitions: Map<string, Definition>): unknown {
  const foreign = [...file.references].filter((name) => {
    const owner = definitions.get(name)?.file
    return owner !== undefined && owner !== file
  })
  if (foreign.length === 0) return file.json
  const defined = new Set<string>(file.defines)
  const rewrite = (node: unknown, namespace: string | undefined): unknown => {
    if (typeof node === 'string') {
      if (PRIMITIVES.has(node)) return node
      const fullName = qualify(node, namespace)
      const definition = definitions.get(fullName)
      if (!definition || defined.has(fullName)) return node
      defined.add(fullName)
      const { namespace: _dropped, ...rest } = definition.node
      return rewrite({ ...rest, name: fullName }, impliedNamespace(fullName))
    }
    if (Array.isArray(node)) return node.map((branch) => rewrite(branch, namespace))
    if (!isObject(node)) return node
    const type = node.type
    if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
      const own = typeof node.namespace === 'string' ? node.namespace : undefined
      const name = typeof node.name === 'string' ? node.name : undefined
      const scope = name === undefined ? namespace : own ?? impliedNamespace(qualify(name, own ?? namespace)) ?? namespace
      if ((type === 'record' || type === 'error') && Array.isArray(node.fields)) {
        return { ...node, fields: node.fields.map((field: unknown) => (isObject(field) ? { ...field, type: rewrite(field.type, scope) } : field)) }
      }
      return node
    }
    if (type === 'array') return { ...node, items: rewrite(node.items, namespace) }
    if (type === 'map') return { ...node, values: rewrite(node.values, namespace) }
    return { ...node, type: rewrite(type, namespace) }
  }
  return rewrite(file.json, undefined)
}
