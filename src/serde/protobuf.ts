/**
 * `serdes.protobuf()`: Protobuf keys and values in Confluent's wire format (magic byte 0, 4-byte schema id, message
 * indexes, Protobuf binary) through a Schema Registry, on `@confluentinc/schemaregistry`'s `ProtobufSerializer` and
 * `ProtobufDeserializer`. Messages are protobuf-es (`@bufbuild/protobuf` v2) messages, described by the `...Schema`
 * constants `protoc-gen-es` generates; the serde's type is read off that constant.
 * @module
 */
import type { ProtobufDeserializer, ProtobufSerializer } from '@confluentinc/schemaregistry'
import { ConfigError } from '../errors/kafka-error.js'
import { RegistrySerde, type RegistrySerdeOptions, type SchemaFormat } from './registry-serde.js'
import type { Serde } from './types.js'

/** A protobuf-es message: its `$typeName` names its type. */
export interface ProtobufMessage {
  /** The message's full type name, e.g. `acme.orders.Order`. */
  readonly $typeName: string
}

/**
 * A protobuf-es message descriptor (`DescMessage`), typed like the `GenMessage<T>` constants `protoc-gen-es`
 * generates (`OrderSchema` for `Order`). Declared structurally so that kafkit's types do not need
 * `@bufbuild/protobuf` installed; `T` is read off protobuf-es' type-only brand.
 *
 * @typeParam T - the message type
 */
export interface ProtobufMessageSchema<T extends ProtobufMessage = ProtobufMessage> {
  /** Always `message`. */
  readonly kind: 'message'
  /** The message's full type name. */
  readonly typeName: string
  /** The `.proto` file that declares it. */
  readonly file: { readonly name: string }
  /** Type-level only (protobuf-es' generated brand): never read at run time. */
  readonly $codegenv2?: { readonly a: T }
}

/**
 * Options of `serdes.protobuf()`.
 *
 * @typeParam T - the message type (inferred from `schema`)
 */
export interface ProtobufSerdeOptions<T extends ProtobufMessage> extends RegistrySerdeOptions {
  /**
   * The message type values are written as: a generated `...Schema` constant (or any protobuf-es `DescMessage`). Its
   * `.proto` file is registered (the files it imports too, each under a subject named after the file, referenced
   * from the main schema). A consumer decodes with the writer's schema named by each record's schema id and does not
   * need it; given, it types the values and names record-based subjects.
   * @default none
   */
  schema?: ProtobufMessageSchema<T>
}

/** Where a written value departs from the message type, never quoting it. */
function checkMessage(value: unknown, schema: ProtobufMessageSchema | undefined): string | undefined {
  if (typeof value !== 'object' || value === null)
    return `expected a protobuf-es message, got ${value === null ? 'null' : typeof value}`
  const typeName = (value as { $typeName?: unknown }).$typeName
  if (typeof typeName !== 'string') {
    return 'expected a protobuf-es message made with create(<MessageSchema>, {...}) (it has no $typeName)'
  }
  if (schema !== undefined && typeName !== schema.typeName)
    return `expected a ${schema.typeName} message, got a ${typeName}`
  return undefined
}

function protobufFormat<T extends ProtobufMessage>(schema: ProtobufMessageSchema<T> | undefined): SchemaFormat<T> {
  if (
    schema !== undefined &&
    (typeof schema !== 'object' || schema === null || schema.kind !== 'message' || typeof schema.typeName !== 'string')
  ) {
    throw new ConfigError(
      'schema',
      'expected a protobuf-es message descriptor, e.g. the OrderSchema constant protoc-gen-es generates for Order',
    )
  }
  const withDescriptor = (serializer: ProtobufSerializer): ProtobufSerializer => {
    // The serializer finds a message's descriptor by its $typeName in this registry.
    if (schema !== undefined) serializer.registry.add(schema as never)
    return serializer
  }
  return {
    format: 'PROTOBUF',
    label: 'Protobuf',
    optionKeys: ['schema'],
    hasSchema: schema !== undefined,
    recordName: schema?.typeName,
    async definition(confluent, client, normalize, autoRegister) {
      // The library turns the file descriptor into the registry's form (base64 FileDescriptorProto) and registers
      // the files it imports (builtins aside) under subjects named after them.
      const serializer = new confluent.ProtobufSerializer(client, confluent.SerdeType.VALUE, {
        autoRegisterSchemas: autoRegister,
        normalizeSchemas: normalize,
      })
      const info = await serializer.getSchemaInfo(
        (schema as unknown as { file: Parameters<ProtobufSerializer['getSchemaInfo']>[0] }).file,
      )
      return {
        schema: info.schema,
        references: (info.references ?? []).map(({ name, subject, version }) => ({ name, subject, version })),
      }
    },
    serializer: (confluent, client, field, conf) =>
      withDescriptor(
        new confluent.ProtobufSerializer(
          client,
          field === 'key' ? confluent.SerdeType.KEY : confluent.SerdeType.VALUE,
          conf,
        ),
      ),
    deserializer: (confluent, client, field, conf): ProtobufDeserializer =>
      new confluent.ProtobufDeserializer(
        client,
        field === 'key' ? confluent.SerdeType.KEY : confluent.SerdeType.VALUE,
        conf,
      ),
    checkValue: (value) => checkMessage(value, schema),
    // Apicurio 2.x parses Protobuf schemas as .proto text when it checks compatibility, and answers 500 to the base64
    // descriptors Confluent's serializers register (tested in test/integration/protobuf.test.ts).
    registryHint: (error) =>
      error.status === 500
        ? "if this registry is Apicurio 2.x: it cannot check compatibility of the binary descriptors Confluent's Protobuf serializers register; set the subject's compatibility to NONE there, or use Confluent Schema Registry"
        : undefined,
  }
}

/**
 * A Protobuf serde backed by a Schema Registry, for keys or values; one serde may serve several topics. Writes
 * protobuf-es messages (`create(OrderSchema, {...})`) and reads them back as messages of the writer's schema.
 * Evolution follows the subject's compatibility level: the registry refuses an incompatible `.proto` with reason
 * `INCOMPATIBLE_SCHEMA`.
 *
 * @typeParam T - the message type; inferred from a generated `...Schema` constant
 * @example
 * ```ts
 * import { OrderSchema } from './gen/order_pb.js'
 * const value = serdes.protobuf({ registry, schema: OrderSchema }) // Serde<Order>
 * await producer.send({ topic: 'orders', value: create(OrderSchema, { id: 'o-1', cents: 1250n }) })
 * ```
 */
export function protobuf<T extends ProtobufMessage = ProtobufMessage>(options: ProtobufSerdeOptions<T>): Serde<T> {
  const object = options as Partial<ProtobufSerdeOptions<T>> | null
  return new RegistrySerde<T>(
    options,
    protobufFormat<T>(typeof object === 'object' && object !== null ? object.schema : undefined),
  )
}
