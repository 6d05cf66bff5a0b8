// The mark of a made-up message: `traffic live --scenario` (a jam) sends rows that never happened, for alerts
// to show. They stay in the stream topic for the live view, but they are not training data: the batch consumer
// sets each marked message aside (to the dead-letter topic, with the reason, counted) instead of a batch file.

/** Kafka header on every scenario row; its value names the scenario, e.g. `jam:Neuroburg`. */
export const SCENARIO_HEADER = 'traffic.scenario'

export function scenarioHeaders(scenario: string): Record<string, string> {
  return { [SCENARIO_HEADER]: scenario }
}

/** The scenario a consumed record belongs to, or undefined for a real row. */
export function scenarioOf(headers: Iterable<[Buffer | null, Buffer | null]>): string | undefined {
  for (const [key, value] of headers) {
    if (key?.toString() === SCENARIO_HEADER) return value?.toString() ?? ''
  }
  return undefined
}
