/**
 * Server load test on loopback: the built server runs as its own process on a fresh PGlite data directory;
 * autocannon drives the main read and write endpoints; then a 500 MB upload is streamed while the server's peak
 * resident memory (VmHWM) is read from /proc. Prints throughput and latency percentiles.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { startServerProcess } from "../test-support/server-process.js";

const PASSWORD = "bench-password-123";

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function main(): Promise<void> {
  const { child: server, base } = await startServerProcess({
    from: "build",
    dataDir: mkdtempSync(path.join(tmpdir(), "immunoplan-bench-")),
    env: { DEMO_PASSWORD: PASSWORD },
  });
  try {
    const login = async (email: string) => {
      const r = await fetch(`${base}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      return {
        cookie: r.headers.getSetCookie()[0].split(";")[0],
        csrf: ((await r.json()) as { csrfToken: string }).csrfToken,
      };
    };
    const clin = await login("clinician@demo.immunoplan");
    const patient = await login("patient@demo.immunoplan");
    const headers = { cookie: clin.cookie, "x-csrf-token": clin.csrf };
    const cases = (await (await fetch(`${base}/api/cases`, { headers })).json()) as { id: string }[];
    const caseId = cases[0].id;
    const run = (title: string, o: Partial<autocannon.Options> & { path: string }) =>
      new Promise<autocannon.Result>((resolve, reject) =>
        autocannon({ connections: 10, duration: 10, headers, ...o, url: `${base}${o.path}` }, (err, res) =>
          err ? reject(err) : resolve(res),
        ),
      ).then((r) => {
        console.log(
          `  ${title.padEnd(38)} ${Math.round(r.requests.average).toString().padStart(6)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   errors ${r.errors + r.non2xx}`,
        );
      });
    console.log("server load test (autocannon, 10 connections, 10 s each, loopback, PGlite):");
    await run("GET /api/cases (list)", { path: "/api/cases" });
    await run("GET /api/cases/:id (record + audit)", { path: `/api/cases/${caseId}` });
    await run("POST /api/cases/:id/notes (write)", {
      method: "POST",
      path: `/api/cases/${caseId}/notes`,
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ text: "load test note" }),
    });
    // a 500 MB upload, streamed in 8 MB chunks
    const size = 500 * 1024 * 1024;
    const before = peakRssMb(server.pid!);
    const ph = { cookie: patient.cookie, "x-csrf-token": patient.csrf };
    const up = (await (
      await fetch(`${base}/api/cases/${caseId}/uploads`, {
        method: "POST",
        headers: { ...ph, "content-type": "application/json" },
        body: JSON.stringify({ filename: "big.pdf", size }),
      })
    ).json()) as { id: string };
    // a PDF as the server judges one by its content: its header first and its end-of-file marker in the last chunk
    const chunk = Buffer.alloc(8 * 1024 * 1024, 7);
    Buffer.from("%PDF-1.4\n").copy(chunk);
    const lastChunk = (n: number) => {
      const b = Buffer.alloc(n, 7);
      Buffer.from("\n%%EOF\n").copy(b, n - 7);
      return b;
    };
    const t = performance.now();
    let offset = 0;
    while (offset < size) {
      const n = Math.min(chunk.length, size - offset);
      const r = await fetch(`${base}/api/uploads/${up.id}`, {
        method: "PUT",
        headers: { ...ph, "content-type": "application/octet-stream", "upload-offset": String(offset) },
        body: offset + n < size ? chunk.subarray(0, n) : lastChunk(n),
      });
      if (!r.ok) throw new Error(`upload: ${r.status} ${await r.text()}`);
      offset += n;
    }
    const secs = (performance.now() - t) / 1000;
    console.log(
      `  500 MB upload in 8 MB chunks: ${secs.toFixed(1)} s (${(500 / secs).toFixed(0)} MB/s); server peak RSS ${before.toFixed(0)} MB before, ${peakRssMb(server.pid!).toFixed(0)} MB after`,
    );
  } finally {
    server.kill("SIGTERM");
  }
}

await main();
