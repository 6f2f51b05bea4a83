import avro from 'avsc'
import { describe, expect, it } from 'vitest'
import { avroTypeFor } from '../../../src/serde/avro-logical-types.js'

const typeOf = (schema: unknown) => avroTypeFor(schema)
// The same schema without kafkit's logical types: what the bytes hold underneath.
const plainTypeOf = (schema: unknown) => avro.Type.forSchema(schema as avro.Schema)

describe('timestamp-millis', () => {
  const type = typeOf({ type: 'long', logicalType: 'timestamp-millis' })

  it('is a Date, written as epoch milliseconds', () => {
    const date = new Date('2024-02-29T13:45:30.123Z')
    const bytes = type.toBuffer(date)
    expect(plainTypeOf('long').fromBuffer(bytes)).toBe(date.getTime())
    expect(type.fromBuffer(bytes)).toEqual(date)
    expect(type.fromBuffer(plainTypeOf('long').toBuffer(-1))).toEqual(new Date(-1))
  })

  it('rejects numbers, strings and invalid dates', () => {
    expect(type.isValid(Date.now())).toBe(false)
    expect(type.isValid('2024-01-01')).toBe(false)
    expect(type.isValid(new Date('nope'))).toBe(false)
  })
})

describe('date', () => {
  const type = typeOf({ type: 'int', logicalType: 'date' })

  it('is an ISO calendar date string, written as days since 1970-01-01', () => {
    expect(plainTypeOf('int').fromBuffer(type.toBuffer('1970-01-02'))).toBe(1)
    expect(plainTypeOf('int').fromBuffer(type.toBuffer('1969-12-31'))).toBe(-1)
    expect(plainTypeOf('int').fromBuffer(type.toBuffer('2024-02-29'))).toBe(19782)
    expect(type.fromBuffer(plainTypeOf('int').toBuffer(19782))).toBe('2024-02-29')
    // Years below 100 are not shifted to the 1900s (the Date.UTC trap).
    expect(type.fromBuffer(type.toBuffer('0050-06-01'))).toBe('0050-06-01')
  })

  it('rejects days that do not exist, other formats and Date objects', () => {
    expect(type.isValid('2023-02-29')).toBe(false)
    expect(type.isValid('2024-13-01')).toBe(false)
    expect(type.isValid('2024-1-01')).toBe(false)
    expect(type.isValid('2024-01-01T00:00:00Z')).toBe(false)
    expect(type.isValid(new Date(0))).toBe(false)
  })
})

describe('decimal', () => {
  const bytesType = typeOf({ type: 'bytes', logicalType: 'decimal', precision: 6, scale: 2 })
  const fixedType = typeOf({ type: 'fixed', name: 'D', size: 3, logicalType: 'decimal', precision: 6, scale: 2 })

  it("is a decimal string with exactly `scale` fraction digits, written as big-endian two's complement", () => {
    // 1234.56 → unscaled 123456 = 0x01E240
    expect(plainTypeOf('bytes').fromBuffer(bytesType.toBuffer('1234.56'))).toEqual(Buffer.from([0x01, 0xe2, 0x40]))
    expect(plainTypeOf('bytes').fromBuffer(bytesType.toBuffer('-0.01'))).toEqual(Buffer.from([0xff]))
    // Minimal length, like Java's BigInteger.toByteArray(): -128 fits one byte, 128 needs two.
    expect(plainTypeOf('bytes').fromBuffer(bytesType.toBuffer('-1.28'))).toEqual(Buffer.from([0x80]))
    expect(plainTypeOf('bytes').fromBuffer(bytesType.toBuffer('1.28'))).toEqual(Buffer.from([0x00, 0x80]))
    for (const [input, output] of [
      ['1234.56', '1234.56'],
      ['-0.01', '-0.01'],
      ['7', '7.00'],
      ['0.5', '0.50'],
      ['-9999.99', '-9999.99'],
      ['0', '0.00'],
    ]) {
      expect(bytesType.fromBuffer(bytesType.toBuffer(input))).toBe(output)
    }
  })

  it('pads fixed-size values with the sign', () => {
    const bytes = fixedType.toBuffer('-0.01')
    expect(bytes).toEqual(Buffer.from([0xff, 0xff, 0xff]))
    expect(fixedType.fromBuffer(bytes)).toBe('-0.01')
    expect(fixedType.fromBuffer(fixedType.toBuffer('9999.99'))).toBe('9999.99')
  })

  it('rejects more fraction digits than the scale, more digits than the precision, and numbers', () => {
    expect(bytesType.isValid('1.234')).toBe(false)
    expect(bytesType.isValid('12345.67')).toBe(false)
    expect(bytesType.isValid(1.5)).toBe(false)
    expect(bytesType.isValid('1e3')).toBe(false)
    expect(bytesType.isValid(' 1.00')).toBe(false)
  })

  it('falls back to the underlying bytes when precision or scale are invalid, as the Avro spec says', () => {
    const invalid = typeOf({ type: 'bytes', logicalType: 'decimal', precision: 2, scale: 3 })
    expect(invalid.typeName).toBe('bytes')
  })
})

describe('uuid', () => {
  const type = typeOf({ type: 'string', logicalType: 'uuid' })

  it('is the UUID string, checked when written', () => {
    const id = '3f0e8c2a-9b1d-4c7e-8a5f-0123456789ab'
    expect(type.fromBuffer(type.toBuffer(id))).toBe(id)
    expect(plainTypeOf('string').fromBuffer(type.toBuffer(id))).toBe(id)
    expect(type.isValid('not-a-uuid')).toBe(false)
  })
})

describe('logical types kafkit does not map', () => {
  it('keep their underlying type', () => {
    expect(typeOf({ type: 'long', logicalType: 'timestamp-micros' }).typeName).toBe('long')
    expect(typeOf({ type: 'int', logicalType: 'time-millis' }).typeName).toBe('int')
  })
})

describe('schema resolution between logical types', () => {
  it('reads a plain long written by another schema as a timestamp', () => {
    const reader = typeOf({ type: 'long', logicalType: 'timestamp-millis' })
    const writer = typeOf('long')
    expect(reader.fromBuffer(writer.toBuffer(5), reader.createResolver(writer))).toEqual(new Date(5))
  })

  it('refuses decimals of another scale', () => {
    const reader = typeOf({ type: 'bytes', logicalType: 'decimal', precision: 6, scale: 2 })
    const writer = typeOf({ type: 'bytes', logicalType: 'decimal', precision: 6, scale: 3 })
    expect(() => reader.createResolver(writer)).toThrow()
  })
})
