/**
 * A worker script beside a module (`base` is that module's import.meta.url; `name` without extension): the
 * compiled JavaScript, or the TypeScript source through tsx when running from source (tests, tsx).
 */
export function workerFile(base: string, name: string): { filename: string; execArgv: string[] } {
  if (base.endsWith(".ts")) {
    return { filename: new URL(`./${name}.ts`, base).href, execArgv: ["--import", "tsx"] };
  }
  return { filename: new URL(`./${name}.js`, base).href, execArgv: [] };
}
