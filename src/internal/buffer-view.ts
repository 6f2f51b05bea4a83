/**
 * Buffers that view part of an ArrayBuffer, made without `Buffer.from(arrayBuffer, offset, length)`'s argument
 * checks and dispatch (about 95 ns a view against 34 on this machine; a consumer makes one per key and value).
 * @module
 */

/**
 * A Uint8Array whose prototype is `Buffer.prototype`: Node's own Buffer class is made the same way (a Uint8Array
 * subclass whose prototype is Buffer's). Instances are Buffers in every respect a caller can see: `Buffer.isBuffer()`,
 * `instanceof Buffer`, `constructor === Buffer`, every Buffer method, and `subarray()`/`slice()` return plain
 * Buffers.
 */
class BufferView extends Uint8Array {}
Object.setPrototypeOf(BufferView.prototype, Buffer.prototype as object)
Object.defineProperty(BufferView.prototype, 'constructor', {
  value: Buffer,
  writable: true,
  configurable: true,
  enumerable: false,
})

/**
 * A Buffer over `length` bytes of `memory` from `offset`, sharing the memory. The caller guarantees the range is
 * inside `memory` (the typed-array constructor still throws a RangeError if it is not).
 * @internal
 */
export function bufferView(memory: ArrayBuffer, offset: number, length: number): Buffer {
  return new BufferView(memory, offset, length) as unknown as Buffer
}
