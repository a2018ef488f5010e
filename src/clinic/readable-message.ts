/**
 * Validation messages for people: "body.password: password must …" → "Password: password must …",
 * "phases[0].steps[1].dose: …" → "phase 1, step 2, dose: …" (no request-body prefixes or zero-based indices).
 */
export function readableMessage(message: string): string {
  const m = /^([A-Za-z_$][\w$]*(?:\.[\w$]+|\[\d+\])*)\s*:\s*([\s\S]*)$/.exec(message);
  if (!m) return message;
  const path = m[1].replace(/^(body|query|params|querystring|headers)(\.|$)/, "");
  if (path === "") return m[2];
  const parts = path.match(/[A-Za-z_$][\w$]*|\[\d+\]/g) ?? [];
  const words: string[] = [];
  for (const p of parts) {
    const idx = /^\[(\d+)\]$/.exec(p);
    if (idx && words.length) {
      // phases[0] → phase 1: the plural's singular with a 1-based number
      const last = words.pop()!;
      words.push(`${last.replace(/ies$/, "y").replace(/s$/, "")} ${Number(idx[1]) + 1}`);
    } else if (idx) words.push(`item ${Number(idx[1]) + 1}`);
    else words.push(p.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase());
  }
  const where = words.join(", ");
  return `${where.charAt(0).toUpperCase()}${where.slice(1)}: ${m[2]}`;
}
