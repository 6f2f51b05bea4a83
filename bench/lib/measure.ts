/**
 * Runs a process and measures it from outside: CPU time and peak RSS through GNU time when it is installed,
 * otherwise by sampling /proc (peak RSS is the kernel's high-water mark, so sampling loses little).
 * @module
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const GNU_TIME = '/usr/bin/time'

/** What a measured process did. */
export interface MeasuredProcess {
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
  /** Peak RSS, bytes (NaN when unknown). */
  readonly peakRssBytes: number
  /** User CPU, ms (NaN when unknown). */
  readonly cpuUserMs: number
  /** System CPU, ms (NaN when unknown). */
  readonly cpuSystemMs: number
  /** True when the process was killed at its time limit. */
  readonly killed: boolean
}

/** Options of {@link runMeasured}. */
export interface RunMeasuredOptions {
  /** Kill the process after this long. */
  readonly timeoutMs: number
  /** Called with each chunk of output, for progress. */
  readonly onOutput?: (chunk: string) => void
  /** Extra environment. */
  readonly env?: NodeJS.ProcessEnv
}

/** Parses GNU time's `-f '%M %U %S'` line: peak RSS in KiB, user and system seconds. */
export function parseGnuTime(text: string): { peakRssBytes: number; cpuUserMs: number; cpuSystemMs: number } {
  const line = text.trim().split('\n').pop() ?? ''
  const [rssKiB, user, system] = line.trim().split(/\s+/).map(Number)
  return {
    peakRssBytes: (rssKiB ?? Number.NaN) * 1024,
    cpuUserMs: (user ?? Number.NaN) * 1000,
    cpuSystemMs: (system ?? Number.NaN) * 1000,
  }
}

/** Runs `command args` and measures it. */
export async function runMeasured(
  command: string,
  args: readonly string[],
  options: RunMeasuredOptions,
): Promise<MeasuredProcess> {
  const useGnuTime = existsSync(GNU_TIME)
  const scratch = await mkdtemp(join(tmpdir(), 'kafkit-bench-'))
  const timeFile = join(scratch, 'time')
  const child = useGnuTime
    ? spawn(GNU_TIME, ['-o', timeFile, '-f', '%M %U %S', command, ...args], { env: { ...process.env, ...options.env } })
    : spawn(command, args, { env: { ...process.env, ...options.env } })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    options.onOutput?.(chunk)
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
    options.onOutput?.(chunk)
  })
  let sampled = { peakRssBytes: Number.NaN, cpuUserMs: Number.NaN, cpuSystemMs: Number.NaN }
  const sampler = useGnuTime
    ? undefined
    : setInterval(() => {
        void sampleProc(child.pid).then((sample) => {
          if (sample) sampled = sample
        })
      }, 100)
  let killed = false
  const timer = setTimeout(() => {
    killed = true
    child.kill('SIGKILL')
  }, options.timeoutMs)
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  clearTimeout(timer)
  if (sampler) clearInterval(sampler)
  const usage = useGnuTime ? parseGnuTime(await readFile(timeFile, 'utf8').catch(() => '')) : sampled
  await rm(scratch, { recursive: true, force: true })
  return { exitCode, stdout, stderr, killed, ...usage }
}

async function sampleProc(
  pid: number | undefined,
): Promise<{ peakRssBytes: number; cpuUserMs: number; cpuSystemMs: number } | undefined> {
  if (pid === undefined) return undefined
  try {
    const [status, stat] = await Promise.all([
      readFile(`/proc/${pid}/status`, 'utf8'),
      readFile(`/proc/${pid}/stat`, 'utf8'),
    ])
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status)?.[1]
    // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = 100
    return {
      peakRssBytes: Number(hwm) * 1024,
      cpuUserMs: (Number(fields[11]) / ticks) * 1000,
      cpuSystemMs: (Number(fields[12]) / ticks) * 1000,
    }
  } catch {
    return undefined
  }
}
