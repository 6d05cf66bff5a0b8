// What the UI server tells the web app at GET /config.json (imported as a type by web/).
export interface UiConfig {
  /** Where the UI server forwards /api requests; shown to people, never called by the browser itself. */
  apiUrl: string
}
