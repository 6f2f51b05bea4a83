// Types for run.mjs, so the TypeScript test can import it without allowJs. Keep in step with the JSDoc there.

export interface SoakOptions {
  durationS: number
  rate: number
  valueBytes: number
  partitions: number
  sampleEveryS: number
  warmupShare: number
  rssGrowthMb: number
}

export interface SoakSample {
  atS: number
  sent: number
  acked: number
  consumed: number
  rssMb: number
  heapMb: number
  externalMb: number
  fds: number
  threads: number
  resources: number
}

export interface SoakCheck {
  name: string
  value: number
  limit: number
  ok: boolean
}

export interface SoakResult {
  options: SoakOptions
  counts: { sent: number; acked: number; consumed: number }
  baseline: SoakSample
  last: SoakSample
  samples: SoakSample[]
  checks: SoakCheck[]
  ok: boolean
}

export declare const SOAK_DEFAULTS: Readonly<SoakOptions>
export declare function runSoak(
  options: { brokers: string; kafkit: Record<string, any> } & Partial<SoakOptions>,
): Promise<SoakResult>
export declare function renderSoak(result: SoakResult): string
