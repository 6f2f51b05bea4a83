/**
 * The Admin client's access control inputs and results: ACL bindings and filters, SCRAM credentials.
 * @module
 */

/** Operations an ACL can allow or deny. */
export type AclOperation =
  | 'all'
  | 'read'
  | 'write'
  | 'create'
  | 'delete'
  | 'alter'
  | 'describe'
  | 'cluster-action'
  | 'describe-configs'
  | 'alter-configs'
  | 'idempotent-write'

/** Resource kinds ACLs apply to. */
export type AclResourceType = 'topic' | 'group' | 'cluster' | 'transactional-id'

/** How an ACL's resource name matches. */
export type AclPatternType = 'literal' | 'prefixed'

/** An access control entry bound to a resource. */
export interface AclBinding {
  /** Resource kind. */
  readonly resourceType: AclResourceType
  /** Resource name (`kafka-cluster` for the cluster; `*` for every resource with `literal`). */
  readonly resourceName: string
  /** How `resourceName` matches. @default 'literal' */
  readonly patternType?: AclPatternType
  /** `User:alice`, or `User:*` for everyone. */
  readonly principal: string
  /** Client host the entry applies to. @default '*' */
  readonly host?: string
  /** The operation. */
  readonly operation: AclOperation
  /** Allow or deny. */
  readonly permission: 'allow' | 'deny'
}

/** Which ACLs {@link Admin.describeAcls} and {@link Admin.deleteAcls} match; every field left out matches any. */
export interface AclFilter {
  /** Resource kind. @default any */
  resourceType?: AclResourceType
  /** Resource name. @default any */
  resourceName?: string
  /** `'match'` finds every binding that applies to `resourceName` (literal, wildcard and prefixed). @default any */
  patternType?: AclPatternType | 'match'
  /** Principal. @default any */
  principal?: string
  /** Host. @default any */
  host?: string
  /** Operation. @default any */
  operation?: AclOperation
  /** Permission. @default any */
  permission?: 'allow' | 'deny'
}

/** An ACL as the broker reports it. */
export interface AclDescription {
  /** Resource kind. */
  readonly resourceType: AclResourceType
  /** Resource name. */
  readonly resourceName: string
  /** How `resourceName` matches. */
  readonly patternType: AclPatternType
  /** Principal. */
  readonly principal: string
  /** Host. */
  readonly host: string
  /** The operation. */
  readonly operation: AclOperation
  /** Allow or deny. */
  readonly permission: 'allow' | 'deny'
}

/** SCRAM mechanisms. */
export type ScramMechanism = 'scram-sha-256' | 'scram-sha-512'

/** A SCRAM credential to create or replace, or (with `delete: true`) to remove. */
export type ScramCredentialAlteration =
  | {
      /** User name (the principal is `User:<user>`). */
      user: string
      /** Mechanism. */
      mechanism: ScramMechanism
      /** The password. */
      password: string
      /** PBKDF2 iterations, 4096 or more. @default 8192 */
      iterations?: number
    }
  | {
      /** User name. */
      user: string
      /** Mechanism whose credential is removed. */
      mechanism: ScramMechanism
      /** Remove the credential. */
      delete: true
    }

/** A user's SCRAM credentials (never the secrets). */
export interface ScramCredentialsDescription {
  /** User name. */
  readonly user: string
  /** One entry per mechanism the user has a credential for. */
  readonly credentials: ReadonlyArray<{ readonly mechanism: ScramMechanism; readonly iterations: number }>
}
