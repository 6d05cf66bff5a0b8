// A string as Java's tokenizers read a quoted one: JAAS configuration (`sasl.jaas.config`, read with
// StreamTokenizer) and the launcher's argument files (`java @file`) both take a backslash as an escape inside
// double quotes.

/** `value` in double quotes, its backslashes and double quotes escaped. */
export function javaQuoted(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}
