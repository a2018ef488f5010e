/** The names a model file declares (the backbone's and its modules') and the names expressions may use. */
import { FUNCTIONS, namesIn, type Expr } from "./expression.js";
import type { Path, Reader } from "./yaml-reader.js";

export const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(["t", ...Object.keys(FUNCTIONS)]);

/** Names declared so far (shared by the backbone and its modules) and the names an expression may use. */
export class Scope {
  readonly taken: Map<string, string>;
  readonly known: Set<string>;
  constructor(
    readonly r: Reader,
    parent?: Scope,
  ) {
    this.taken = parent ? parent.taken : new Map();
    this.known = new Set(parent ? parent.known : ["t"]);
  }

  declare(n: string, what: string, path: Path): boolean {
    const r = this.r;
    if (!IDENT.test(n)) {
      r.error(path, `'${n}' is not a valid name (letters, digits and _; not starting with a digit)`, {
        key: true,
      });
      return false;
    }
    if (RESERVED.has(n)) {
      r.error(path, `'${n}' is reserved (${n === "t" ? "time" : "a function"}) and cannot name a ${what}`, {
        key: true,
      });
      return false;
    }
    const before = this.taken.get(n);
    if (before) {
      r.error(path, `duplicate name '${n}': already a ${before}`, { key: true });
      return false;
    }
    this.taken.set(n, what);
    return true;
  }

  check(expr: Expr, path: Path, text: string): void {
    for (const used of namesIn(expr)) {
      if (this.known.has(used)) continue;
      const later = this.taken.get(used) === "assignment";
      this.r.error(
        path,
        later
          ? `'${used}' is used before it is assigned (assignments are evaluated in order)`
          : `unknown name '${used}'`,
        { offset: findName(text, used) },
      );
    }
  }
}

function findName(text: string, name: string): number {
  const re = new RegExp(`(^|[^A-Za-z0-9_])${name}(?![A-Za-z0-9_])`);
  const m = re.exec(text);
  return m ? m.index + m[1].length : 0;
}
