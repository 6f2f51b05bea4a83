/**
 * The schema files of one code generation run, read and related: their JSON, the named types each defines and uses,
 * an order in which each comes after the files it depends on, their avsc types, and a file's schema with the named
 * types of other files inlined (a registry needs a self-contained schema).
 * @module
 */
import type { Type } from 'avsc'
import { KafkaError } from '../errors/kafka-error.js'
import { avroTypeFor } from './avro-logical-types.js'
import type { AvroSourceFile } from './avro-codegen.js'

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

/** A named type as written in a source file. */
export interface Definition {
  readonly fullName: string
  readonly file: Source
  /** The JSON node that defines it, and the namespace it was defined in (for inlining it elsewhere). */
  readonly node: Record<string, unknown>
}

export interface Source {
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

export function readSources(sources: readonly AvroSourceFile[]): Source[] {
  const modules = new Map<string, string>()
  return sources.map((source) => {
    const module = moduleName(source.path)
    if (module === 'index')
      throw new AvroCodegenError(
        'a schema file cannot be named index.avsc (index.ts re-exports the others)',
        source.path,
      )
    if (!/^[A-Za-z0-9_.-]+$/.test(module))
      throw new AvroCodegenError('file names may only use letters, digits, _, . and -', source.path)
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

export function collectDefinitions(files: Source[]): Map<string, Definition> {
  const definitions = new Map<string, Definition>()
  for (const file of files) {
    walkSchema(file.json, undefined, {
      define(fullName, node) {
        const existing = definitions.get(fullName)
        if (existing)
          throw new AvroCodegenError(`defines ${fullName}, already defined in ${existing.file.path}`, file.path)
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
export function dependencyOrder(files: Source[], definitions: Map<string, Definition>): Source[] {
  const ordered: Source[] = []
  const state = new Map<Source, 'visiting' | 'done'>()
  const visit = (file: Source, chain: Source[]): void => {
    const current = state.get(file)
    if (current === 'done') return
    if (current === 'visiting') {
      throw new AvroCodegenError(
        `schema files depend on each other in a cycle: ${[...chain, file].map((f) => f.path).join(' -> ')}`,
        file.path,
      )
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

export function parseInOrder(ordered: Source[]): void {
  // One avsc registry for the run, so that a file can use names defined by the files before it.
  const registry: Record<string, Type> = {}
  for (const file of ordered) {
    try {
      file.type = avroTypeFor(file.json, registry)
    } catch (error) {
      throw new AvroCodegenError(`not a valid Avro schema: ${(error as Error).message}`, file.path, { cause: error })
    }
  }
}

/**
 * The file's schema JSON with the definitions of named types from other files put in at their first use, so that
 * the constant is a complete schema. Inlined definitions take their full name so that they keep their namespace.
 */
export function inlineForeignTypes(file: Source, definitions: Map<string, Definition>): unknown {
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
      const scope =
        name === undefined ? namespace : (own ?? impliedNamespace(qualify(name, own ?? namespace)) ?? namespace)
      if ((type === 'record' || type === 'error') && Array.isArray(node.fields)) {
        return {
          ...node,
          fields: node.fields.map((field: unknown) =>
            isObject(field) ? { ...field, type: rewrite(field.type, scope) } : field,
          ),
        }
      }
      return node
    }
    if (type === 'array') return { ...node, items: rewrite(node.items, namespace) }
    if (type === 'map') return { ...node, values: rewrite(node.values, namespace) }
    return { ...node, type: rewrite(type, namespace) }
  }
  return rewrite(file.json, undefined)
}
