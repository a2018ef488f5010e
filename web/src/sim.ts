/** One shared simulation worker, with promise-based requests. */
import type { WorkerRequest, WorkerResponse } from "./sim-worker";

type Pending = { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void };
let worker: Worker | null = null;
const pending = new Map<number, Pending>();
let next = 1;

function ensure(): Worker {
  if (!worker) {
    worker = new Worker(new URL("./sim-worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (ev: MessageEvent<WorkerResponse>) => {
      const p = pending.get(ev.data.id);
      if (!p) return;
      pending.delete(ev.data.id);
      if (ev.data.kind === "error") p.reject(new Error(ev.data.message));
      else p.resolve(ev.data);
    };
  }
  return worker;
}

type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

export function simulate<K extends WorkerRequest["kind"]>(
  req: WithoutId<Extract<WorkerRequest, { kind: K }>>,
): Promise<Extract<WorkerResponse, { kind: K }>> {
  const id = next++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve: resolve as (r: WorkerResponse) => void, reject });
    ensure().postMessage({ ...req, id });
  });
}

const modelTexts = new Map<string, Promise<string>>();
/** A built-in model's text (YAML), fetched once. */
export function modelText(name: string): Promise<string> {
  let p = modelTexts.get(name);
  if (!p) {
    p = fetch(`/api/models/${encodeURIComponent(name)}`, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((d: { source: string }) => d.source);
    modelTexts.set(name, p);
  }
  return p;
}
