/**
 * JSON Schema validation for `serdes.json({ validate: schema })`, with Ajv loaded on first use from the optional peer
 * dependency `ajv` (it also comes with `@confluentinc/schemaregistry`). Compiled once; after that, checks are
 * synchronous, so the serde stays synchronous.
 * @module
 */
import { KafkaError } from '../errors/kafka-error.js'

/** The package and range kafkit loads for schema validation. */
const AJV_PACKAGE = 'ajv'
const AJV_RANGE = '^8.17.1'

interface AjvError {
  readonly instancePath: string
  readonly message?: string
  readonly keyword: string
}
interface CompiledValidator {
  (value: unknown): boolean
  errors?: readonly AjvError[] | null
}
type AjvClass = new (options: Record<string, unknown>) => { compile(schema: unknown): CompiledValidator }

function ajvClass(module: unknown): AjvClass {
  // CommonJS from ESM: the class is the default export, itself carrying `default` (Ajv's own interop).
  const candidate = (module as { default?: unknown }).default ?? module
  return ((candidate as { default?: unknown }).default ?? candidate) as AjvClass
}

/** Compiles a JSON Schema once and checks values against it, saying where a value fails, never quoting it. */
export class LazyJsonSchemaValidator {
  readonly #schema: Readonly<Record<string, unknown>>
  #compiled: CompiledValidator | undefined
  #compiling: Promise<CompiledValidator> | undefined

  /** @param schema - the JSON Schema (draft-07, or 2020-12 when its `$schema` says so) */
  constructor(schema: Readonly<Record<string, unknown>>) {
    this.#schema = schema
  }

  /** `undefined` when `value` is valid, else where and why not; a promise only until Ajv is loaded and compiled. */
  check(value: unknown): string | undefined | Promise<string | undefined> {
    const compiled = this.#compiled
    if (compiled) return this.#verdict(compiled, value)
    return this.#compile().then((validator) => this.#verdict(validator, value))
  }

  #verdict(validate: CompiledValidator, value: unknown): string | undefined {
    if (validate(value)) return undefined
    const errors = validate.errors ?? []
    const listed = errors
      .slice(0, 5)
      .map(
        (error) =>
          `at ${error.instancePath === '' ? 'the top level' : error.instancePath}: ${error.message ?? error.keyword}`,
      )
    return listed.length === 0
      ? 'does not match the schema'
      : `${listed.join('; ')}${errors.length > 5 ? ` (and ${errors.length - 5} more)` : ''}`
  }

  #compile(): Promise<CompiledValidator> {
    this.#compiling ??= (async () => {
      const draft2020 = typeof this.#schema.$schema === 'string' && this.#schema.$schema.includes('2020-12')
      const specifier = draft2020 ? `${AJV_PACKAGE}/dist/2020.js` : AJV_PACKAGE
      let module: unknown
      try {
        module = await import(specifier)
      } catch (error) {
        this.#compiling = undefined
        throw new KafkaError(
          'ERR_MISSING_DEPENDENCY',
          `serdes.json({ validate: <JSON Schema> }) needs the optional peer dependency ${AJV_PACKAGE}, which could not be loaded: run \`npm install ${AJV_PACKAGE}@${AJV_RANGE}\` (or pass a validating function instead)`,
          { cause: error },
        )
      }
      const Ajv = ajvClass(module)
      this.#compiled = new Ajv({ allErrors: true, strict: false }).compile(this.#schema)
      return this.#compiled
    })()
    return this.#compiling
  }
}
