import { inspect, types } from 'node:util'
import { describe, expect, it } from 'vitest'
import { bufferView } from '../../../src/internal/buffer-view.js'

describe('bufferView', () => {
  const memory = new ArrayBuffer(16)
  new Uint8Array(memory).set(Buffer.from('0123456789abcdef'))

  it('is a Buffer to every check a caller can make', () => {
    const view = bufferView(memory, 4, 5)
    expect(Buffer.isBuffer(view)).toBe(true)
    expect(view instanceof Buffer).toBe(true)
    expect(view instanceof Uint8Array).toBe(true)
    expect(types.isUint8Array(view)).toBe(true)
    expect(view.constructor).toBe(Buffer)
    expect(Object.keys(view)).toEqual(['0', '1', '2', '3', '4'])
    expect(view.toString()).toBe('45678')
    expect(view.toString('hex')).toBe('3435363738')
    expect(view.readUInt8(0)).toBe(0x34)
    expect(view.equals(Buffer.from('45678'))).toBe(true)
    expect(Buffer.compare(view, Buffer.from('45678'))).toBe(0)
    expect(Buffer.concat([view, view]).toString()).toBe('4567845678')
    expect(JSON.stringify(view)).toBe(JSON.stringify(Buffer.from('45678')))
    expect(inspect(view)).toBe('<Buffer 34 35 36 37 38>')
    expect(view).toEqual(Buffer.from('45678'))
  })

  it('shares the memory it views; subarray() and slice() return plain Buffers over the same memory', () => {
    const view = bufferView(memory, 10, 6)
    const sub = view.subarray(2)
    const slice = view.slice(1, 3)
    expect(Buffer.isBuffer(sub) && Buffer.isBuffer(slice)).toBe(true)
    expect(sub.toString()).toBe('cdef')
    expect(slice.toString()).toBe('bc')
    expect(sub.buffer).toBe(memory)
    expect(sub.byteOffset).toBe(12)
    sub.write('CD')
    expect(Buffer.from(memory, 12, 2).toString()).toBe('CD')
    new Uint8Array(memory)[12] = 0x63 // 'c' again
  })

  it('throws a RangeError for a range outside the memory', () => {
    expect(() => bufferView(memory, 10, 7)).toThrow(RangeError)
    expect(bufferView(memory, 16, 0).length).toBe(0)
  })
})
