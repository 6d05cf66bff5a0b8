// Hadoop expands glob characters in any path Spark is given to read; a file's own name may hold them.

/** What Hadoop takes for a glob pattern in a path. */
const GLOB_CHARACTERS = /[\\[\]{}*?]/g

export function hasGlobCharacters(path: string): boolean {
  return path.search(GLOB_CHARACTERS) !== -1
}

/** A path as Spark must be given it to read that file alone, not whatever a glob in it matches. */
export function literalHadoopPath(path: string): string {
  return path.replace(GLOB_CHARACTERS, (character) => `\\${character}`)
}
