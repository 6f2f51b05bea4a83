/**
 * The sends handed to librdkafka and not yet reported, found by their integer sequence id (the opaque librdkafka
 * hands back with each delivery report): an array slot per id, not a Map entry, so settling a report costs an
 * index and a store. The array grows when an old send is still unreported as the ids wrap around to its slot.
 * @module
 */

export class InFlightSends<T> {
  #slots: Array<T | undefined>
  /** The sequence id of the send in each occupied slot (needed to move it when the array grows). */
  #ids: Uint32Array
  #mask: number
  #size = 0

  /** @param capacityHint - the expected number of sends in flight at once (rounded up to a power of two) */
  constructor(capacityHint: number) {
    let capacity = 1024
    while (capacity < capacityHint) capacity *= 2
    this.#slots = new Array<T | undefined>(capacity).fill(undefined)
    this.#ids = new Uint32Array(capacity)
    this.#mask = capacity - 1
  }

  /** Number of sends in flight. */
  get size(): number {
    return this.#size
  }

  /** Records `value` under `seq` (an unsigned 32-bit id not in flight). */
  set(seq: number, value: T): void {
    while (this.#slots[seq & this.#mask] !== undefined) this.#grow()
    const index = seq & this.#mask
    this.#slots[index] = value
    this.#ids[index] = seq
    this.#size++
  }

  /** The send under `seq`, left in flight (undefined when none). */
  get(seq: number): T | undefined {
    const index = seq & this.#mask
    return this.#ids[index] === seq >>> 0 ? this.#slots[index] : undefined
  }

  /** Removes and returns the send under `seq` (undefined when none). */
  take(seq: number): T | undefined {
    const index = seq & this.#mask
    const value = this.#slots[index]
    if (value === undefined || this.#ids[index] !== seq >>> 0) return undefined
    this.#slots[index] = undefined
    this.#size--
    return value
  }

  /** Every send in flight, in no particular order. */
  *values(): IterableIterator<T> {
    for (const value of this.#slots) if (value !== undefined) yield value
  }

  /** Forgets every send. */
  clear(): void {
    this.#slots.fill(undefined)
    this.#size = 0
  }

  /** An old send still holds the slot a new id needs: grow the array until every send has a slot of its own. */
  #grow(): void {
    this.#growTo(this.#slots.length * 2)
  }

  #growTo(capacity: number): void {
    for (;;) {
      const slots = new Array<T | undefined>(capacity).fill(undefined)
      const ids = new Uint32Array(capacity)
      const mask = capacity - 1
      let clash = false
      for (let index = 0; index < this.#slots.length && !clash; index++) {
        const value = this.#slots[index]
        if (value === undefined) continue
        const target = this.#ids[index]! & mask
        if (slots[target] !== undefined) clash = true
        slots[target] = value
        ids[target] = this.#ids[index]!
      }
      if (!clash) {
        this.#slots = slots
        this.#ids = ids
        this.#mask = mask
        return
      }
      capacity *= 2
    }
  }
}
