// Paths as people want to read them: relative inside the working folder, absolute outside it.
import path from 'node:path'

export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file)
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? file : relative
}
