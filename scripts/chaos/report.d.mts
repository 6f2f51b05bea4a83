import type { ChaosResult } from './run.mjs'

export function renderTable(result: ChaosResult): string
export function renderTimeline(result: ChaosResult): string
