export { Admin } from './admin.js'
export type { AdminCalls } from './calls.js'
export { ADMIN_DEFAULTS, ADMIN_GUARD_GROUP, type AdminOptions } from './options.js'
export type * from './types.js'
