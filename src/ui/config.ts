// What the UI server tells the web app at GET /config.json, and the UI server's own paths. Plain data, no server
// code: the browser bundle imports it.

/** The UI server's paths: the app's settings, and the prefix it forwards to the API (API_PATHS follow it). */
export const UI_PATHS = { config: '/config.json', api: '/api' } as const

export interface UiConfig {
  /** Where the UI server forwards /api requests; shown to people, never called by the browser itself. */
  apiUrl: string
}
