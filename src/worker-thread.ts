// Worker threads running this project's TypeScript modules. The sources run through tsx, and a worker does not
// inherit the loader the main thread registered, so each worker registers its own before importing its module.
import { Worker, type WorkerOptions } from 'node:worker_threads'

const TSX_API = import.meta.resolve('tsx/esm/api')

/** Starts `module` (a .ts file URL) in a new worker thread. */
export function startTypeScriptWorker(module: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const bootstrap =
    `import(${JSON.stringify(TSX_API)})` +
    `.then(({ register }) => { register(); return import(${JSON.stringify(module.href)}) })`
  return new Worker(bootstrap, { ...options, eval: true })
}
