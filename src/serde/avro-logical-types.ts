/**
 * The JavaScript representation of Avro logical types, as avsc `LogicalType` subclasses. Shared by the Avro serde
 * (which hands them to avsc through `@confluentinc/schemaregistry`) and the code generator (which names the same
 * TypeScript types), so what is generated is what is decoded.
 *
 * | logical type       | Avro type     | JavaScript                                                     |
 * | ------------------ | ------------- | -------------------------------------------------------------- |
 * | `timestamp-millis` | `long`        | `Date`                                                         |
 * | `date`             | `int`         | `string`, ISO calendar date `'2024-02-29'`                     |
 * | `decimal`          | bytes / fixed | `string`, plain decimal with exactly `scale` fraction digits   |
 * | `uuid`             | `string`      | `string`, checked to be a UUID when written                    |
 * | anything else      | (underlying)  | the underlying type (`number`, `Buffer`...), as the spec says  |
 *
 * @module
 */
import type avro from 'avsc'
import type { Type } from 'avsc'
import { avsc } from './avsc.js'

const MS_PER_DAY = 86_400_000
const ISO_DATE = /^(-?\d{4,6})-(\d{2})-(\d{2})$/
const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?$/
const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

// avsc's typings declare `_fromValue`/`_toValue`/`_resolve` protected; these classes only implement them.
type Resolver = ((value: unknown) => unknown) | undefined

/** Whether `type` is the same logical type as `name` (so its decoded values are already in our representation). */
function isLogical(type: Type, name: string): boolean {
  return type.typeName === `logical:${name}`
}

/** Names of the logical types in {@link avroLogicalTypes}. */
export type MappedLogicalType = 'timestamp-millis' | 'date' | 'uuid' | 'decimal'

type LogicalTypes = Record<MappedLogicalType, new (schema: avro.Schema, options?: unknown) => avro.types.LogicalType>

/**
 * kafkit's logical type classes, made once on first use: they extend avsc's `LogicalType`, and avsc is loaded only
 * when Avro is used.
 */
function defineLogicalTypes(LogicalType: typeof avro.types.LogicalType): LogicalTypes {
  /** `timestamp-millis` on a `long`: a `Date`. Invalid dates are rejected when written. */
  class TimestampMillisType extends LogicalType {
    protected override _fromValue(value: number): Date {
      return new Date(value)
    }

    protected override _toValue(value: unknown): number | undefined {
      if (!(value instanceof Date)) return undefined
      const time = value.getTime()
      return Number.isNaN(time) ? undefined : time
    }

    protected override _resolve(type: Type): Resolver {
      if (isLogical(type, 'timestamp-millis')) return (value) => value
      if (type.typeName === 'long' || type.typeName === 'int') return (value) => new Date(value as number)
      return undefined
    }
  }

  /**
   * `date` on an `int` (days since 1970-01-01): an ISO calendar date string. A string rather than a `Date` because a
   * calendar date has no time zone; a `Date` at UTC midnight prints as the previous day west of Greenwich.
   */
  class DateType extends LogicalType {
    protected override _fromValue(days: number): string {
      return isoDateFromDays(days)
    }

    protected override _toValue(value: unknown): number | undefined {
      return typeof value === 'string' ? daysFromIsoDate(value) : undefined
    }

    protected override _resolve(type: Type): Resolver {
      if (isLogical(type, 'date')) return (value) => value
      if (type.typeName === 'int') return (value) => isoDateFromDays(value as number)
      return undefined
    }
  }

  /** `'YYYY-MM-DD'` for a day count since the epoch (years before 0 and after 9999 in ISO 8601's expanded form). */
  function isoDateFromDays(days: number): string {
    const date = new Date(days * MS_PER_DAY)
    const year = date.getUTCFullYear()
    if (Number.isNaN(year)) throw new RangeError(`date out of range: ${days} days from 1970-01-01`)
    const yearText = year < 0 ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0')
    const month = String(date.getUTCMonth() + 1).padStart(2, '0')
    const day = String(date.getUTCDate()).padStart(2, '0')
    return `${yearText}-${month}-${day}`
  }

  /** The day count of an ISO calendar date, or `undefined` when it is malformed or not a real day (`2023-02-30`). */
  function daysFromIsoDate(value: string): number | undefined {
    const match = ISO_DATE.exec(value)
    if (!match) return undefined
    const date = new Date(0)
    // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
    date.setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
    const days = date.getTime() / MS_PER_DAY
    if (!Number.isInteger(days)) return undefined
    // Out-of-range months and days roll over (Feb 30 becomes Mar 2): only a value that survives the round trip is a day.
    return isoDateFromDays(days) === value ? days : undefined
  }

  /** `uuid` on a `string`: the string, checked to be a UUID when written (Java's serializer rejects others). */
  class UuidType extends LogicalType {
    protected override _fromValue(value: string): string {
      return value
    }

    protected override _toValue(value: unknown): string | undefined {
      return typeof value === 'string' && UUID_TEXT.test(value) ? value : undefined
    }

    protected override _resolve(type: Type): Resolver {
      if (isLogical(type, 'uuid') || type.typeName === 'string') return (value) => value
      return undefined
    }
  }

  /**
   * `decimal` on `bytes` or `fixed`: a decimal string such as `'-12.50'` (always `scale` fraction digits). Strings keep
   * every digit, which `number` cannot. Writing a value with more fraction digits than `scale`, or more digits than
   * `precision`, is rejected rather than rounded.
   */
  class DecimalType extends LogicalType {
    private readonly precision: number
    private readonly scale: number
    private readonly size: number | undefined

    constructor(schema: avro.Schema, options?: unknown) {
      super(schema, options)
      const attributes = schema as { precision?: unknown; scale?: unknown }
      const precision = attributes.precision
      const scale = attributes.scale ?? 0
      // Throwing makes avsc fall back to the underlying type, as the Avro spec requires for invalid logical types.
      if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1) {
        throw new Error(`decimal: invalid precision ${String(precision)}`)
      }
      if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision) {
        throw new Error(`decimal: invalid scale ${JSON.stringify(scale)}`)
      }
      const underlying = this.underlyingType as Type & { size?: number }
      if (underlying.typeName !== 'bytes' && underlying.typeName !== 'fixed') {
        throw new Error(`decimal: unsupported underlying type ${underlying.typeName}`)
      }
      this.precision = precision
      this.scale = scale
      this.size = underlying.typeName === 'fixed' ? underlying.size : undefined
    }

    protected override _fromValue(bytes: Buffer): string {
      const unscaled = bytes.length === 0 ? 0n : BigInt.asIntN(bytes.length * 8, BigInt(`0x${bytes.toString('hex')}`))
      const negative = unscaled < 0n
      const digits = (negative ? -unscaled : unscaled).toString().padStart(this.scale + 1, '0')
      const whole = digits.slice(0, digits.length - this.scale)
      const fraction = this.scale === 0 ? '' : `.${digits.slice(digits.length - this.scale)}`
      return `${negative ? '-' : ''}${whole}${fraction}`
    }

    protected override _toValue(value: unknown): Buffer | undefined {
      if (typeof value !== 'string') return undefined
      const match = DECIMAL_TEXT.exec(value)
      if (!match) return undefined
      const [, sign, whole = '', fraction = ''] = match
      if (fraction.length > this.scale) return undefined
      const digits = `${whole}${fraction.padEnd(this.scale, '0')}`.replace(/^0+(?=\d)/, '')
      if (digits.length > this.precision) return undefined
      const unscaled = sign === '-' ? -BigInt(digits) : BigInt(digits)
      return toTwosComplement(unscaled, this.size)
    }

    protected override _resolve(type: Type): Resolver {
      if (isLogical(type, 'decimal')) {
        const other = type as unknown as { precision: number; scale: number }
        // The Avro spec: decimals resolve only when scale and precision match.
        if (other.scale === this.scale && other.precision === this.precision) return (value) => value
        return undefined
      }
      return undefined
    }

    protected override _export(schema: avro.Schema): void {
      // avsc hands _export the object form of the schema being exported.
      Object.assign(schema, { precision: this.precision, scale: this.scale })
    }
  }
  return { 'timestamp-millis': TimestampMillisType, date: DateType, uuid: UuidType, decimal: DecimalType }
}

/** Big-endian two's complement, minimal length (or exactly `size` bytes for a `fixed`). */
function toTwosComplement(value: bigint, size: number | undefined): Buffer | undefined {
  // Magnitude bits plus a sign bit; -2^n needs no more bits than 2^n - 1.
  let length = Math.ceil(((value < 0n ? -value - 1n : value).toString(2).length + 1) / 8)
  if (size !== undefined) {
    if (length > size) return undefined
    length = size
  }
  const hex = BigInt.asUintN(length * 8, value)
    .toString(16)
    .padStart(length * 2, '0')
  return Buffer.from(hex, 'hex')
}

let logicalTypes: Readonly<LogicalTypes> | undefined

/** The logical types kafkit maps, keyed by logical type name (avsc's `logicalTypes` option). */
export function avroLogicalTypes(): Readonly<LogicalTypes> {
  return (logicalTypes ??= Object.freeze(defineLogicalTypes(avsc().types.LogicalType)))
}

const typeOptions = (logical: Readonly<LogicalTypes>) =>
  Object.freeze({
    logicalTypes: logical,
    wrapUnions: 'auto',
    omitRecordMethods: true,
  }) satisfies Partial<avro.ForSchemaOptions>

let options: ReturnType<typeof typeOptions> | undefined

/**
 * The avsc parsing options every kafkit Avro type is built with (serde, reader schemas, code generator): kafkit's
 * logical types, avsc's default union handling (unwrapped unless ambiguous) and plain objects without avsc's
 * record methods, so decoded records compare equal to object literals.
 */
export function avroTypeOptions(): ReturnType<typeof typeOptions> {
  return (options ??= typeOptions(avroLogicalTypes()))
}

/**
 * The avsc type of an Avro schema (its JSON) with {@link avroTypeOptions}. Each call parses with a fresh copy of the
 * options, since avsc keeps its type registry in them; pass `registry` to share named types between parses.
 */
export function avroTypeFor(schema: unknown, registry?: Record<string, Type>): Type {
  const options = registry === undefined ? { ...avroTypeOptions() } : { ...avroTypeOptions(), registry }
  return avsc().Type.forSchema(schema as avro.Schema, options)
}
