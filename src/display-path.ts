// Paths as people want to read them: relative inside the working folder, absolute outside it; an `s3://`
// location as it is.
import path from 'node:path'

export function displayPath(file: string): string {
  if (file.startsWith('s3://')) return file
  const relative = path.relative(process.cwd(), file)
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? file : relative
}
