export {
  DIAGNOSTICS_CHANNEL_NAMES,
  type DiagnosticsChannel,
  diagnosticsChannel,
  type DiagnosticsChannels,
  diagnosticsChannels,
} from './channels.js'
export type * from './payloads.js'
