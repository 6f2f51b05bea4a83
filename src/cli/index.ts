#!/usr/bin/env node
/**
 * `npx kafkit <command>`: a thin command line over kafkit's public API.
 * @module
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const USAGE = `Usage: kafkit <command> [options]

Commands:
  avro-types <schemas...> --out <dir>   generate TypeScript types from Avro schemas (.avsc)
  topics ...                            list, describe, create, delete topics (see: kafkit topics --help)
  groups ...                            list, describe, lag of consumer groups (see: kafkit groups --help)

Brokers come from --brokers or KAFKA_BROKERS.`

/** Runs the CLI with `argv` (without node and script) and resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'avro-types': {
      const { runAvroTypesCli } = await import('./avro-types.js')
      return runAvroTypesCli(rest)
    }
    case 'topics':
    case 'groups':
    case 'cluster':
    case 'configs':
    case 'acls': {
      const { runAdminCli } = await import('./admin.js')
      return runAdminCli(argv)
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${USAGE}\n`)
      return command === undefined ? 1 : 0
    default:
      process.stderr.write(`kafkit: unknown command '${command}'\n\n${USAGE}\n`)
      return 1
  }
}

function isEntryPoint(): boolean {
  try {
    // npm's bin shim is a symlink: compare real paths.
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
  } catch {
    return false
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      process.stderr.write(`kafkit: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exitCode = 1
    },
  )
}
