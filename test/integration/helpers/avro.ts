/**
 * Helpers of the Avro integration tests: the registry of the test cluster and sample values of the fixture schemas.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { SchemaRegistry } from '../../../src/registry/index.js'
import type { Order } from '../../fixtures/avro/generated/order.js'

/**
 * The Confluent-compatible API of the test cluster's Apicurio registry. The global setup exports Apicurio's base URL;
 * Confluent clients must be given the `/apis/ccompat/v7` path under it.
 */
export function registryUrl(): string {
  const base = process.env.SCHEMA_REGISTRY_URL
  if (!base) throw new Error('SCHEMA_REGISTRY_URL is not set: the vitest global setup should have started a registry')
  return base.endsWith('/apis/ccompat/v7') ? base : `${base.replace(/\/+$/, '')}/apis/ccompat/v7`
}

/** A registry client for the test cluster. */
export function testRegistry(): SchemaRegistry {
  return new SchemaRegistry({ url: registryUrl() })
}

/** The parsed JSON of a schema file under test/fixtures/avro. */
export function fixtureSchema(path: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(fileURLToPath(new URL(`../../fixtures/avro/${path}`, import.meta.url)), 'utf8'),
  ) as Record<string, unknown>
}

/** A raw fixture file under test/fixtures/avro. */
export function fixtureBytes(path: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/avro/${path}`, import.meta.url)))
}

/** Orders covering every branch of the order schema: both payment kinds, each note type, set and unset options. */
export function sampleOrders(): Order[] {
  const base = (n: number): Order => ({
    id: `00000000-0000-4000-8000-00000000000${n}`,
    placedAt: new Date(Date.UTC(2024, 1, 29, 12, 0, n)),
    deliveryDate: null,
    total: '0.00',
    status: 'PENDING',
    customer: {
      name: `Customer ${n}`,
      email: null,
      address: { street: 'Main St 1', city: 'Springfield', country: 'US', postcode: null },
    },
    lines: [],
    attributes: {},
    tags: [],
    payment: { 'com.acme.orders.Card': { last4: '4242' } },
    note: null,
    checksum: Buffer.alloc(16, n),
    raw: Buffer.alloc(0),
    score: 0,
    gift: false,
    shippedAt: null,
  })
  return [
    base(1),
    {
      ...base(2),
      deliveryDate: '2024-03-01',
      total: '-1234567890.12',
      status: 'PAID',
      customer: {
        name: 'Zoë Ünicode',
        email: 'zoe@example.com',
        address: { street: 'Rue de la Paix 2', city: 'Paris', country: 'FR', postcode: '75002' },
      },
      lines: [
        { sku: 'A-1', quantity: 2, unitPrice: '19.9900' },
        { sku: 'B-2', quantity: -1, unitPrice: '-0.0001' },
      ],
      attributes: { channel: 'web', 'utm source': 'newsletter' },
      tags: ['gift', 'express'],
      payment: { 'com.acme.orders.BankTransfer': { iban: 'DE89370400440532013000' } },
      note: 'leave at the door',
      raw: Buffer.from([0, 255, 1, 254]),
      score: -0.5,
      gift: true,
      shippedAt: new Date(Date.UTC(2024, 2, 1, 8, 30)),
    },
    { ...base(3), note: 42, status: 'CANCELLED', total: '9999999999.99', score: Number.MAX_VALUE },
  ]
}
