// How the tools this project runs are shown in errors and logs. Secrets never travel on a command line (every user
// can read it with `ps`): they go in the tool's environment or in a 0600 file. Whatever is shown about a run is
// still passed through `redactSecrets` with the secrets the run was given, in case a tool echoes one.

const HIDDEN = '***'

/** `text` with every occurrence of each secret replaced by ***. */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let shown = text
  for (const secret of secrets) if (secret) shown = shown.replaceAll(secret, HIDDEN)
  return shown
}

/** The command line as a person would type it, secrets hidden. */
export function shownCommandLine(
  command: string,
  args: readonly string[],
  secrets: Iterable<string>,
): string {
  return redactSecrets([command, ...args].join(' '), secrets)
}
