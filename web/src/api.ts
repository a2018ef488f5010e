import { readableMessage } from "../../src/clinic/readable-message.js";

/** The clinic API from the browser: JSON with the session cookie and the CSRF token; errors carry the field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

let csrf = "";
export const setCsrf = (t: string): void => {
  csrf = t;
};

export async function api<T = unknown>(method: string, url: string, body?: unknown): Promise<T> {
  const r = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: {
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...(method !== "GET" ? { "x-csrf-token": csrf } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  if (r.status === 204) return undefined as T;
  const text = await r.text();
  const data = text ? JSON.parse(text) : undefined;
  // validation messages for people: no "body." prefixes, items numbered from 1
  if (!r.ok)
    throw new ApiError(r.status, readableMessage(data?.error?.message ?? `${r.status}`), data?.error?.path);
  return data as T;
}

export const get = <T>(url: string) => api<T>("GET", url);
export const post = <T>(url: string, body?: unknown) => api<T>("POST", url, body ?? {});

/** Uploads a file in chunks; after a failure it asks the server how far it got and resumes from there. */
export async function uploadFile(
  caseId: string,
  file: File,
  onProgress: (fraction: number) => void,
  chunkSize = 1024 * 1024,
): Promise<{ documentId: string | null }> {
  const start = await post<{ id: string }>(`/api/cases/${caseId}/uploads`, {
    filename: file.name,
    size: file.size,
  });
  let offset = 0;
  let failures = 0;
  while (offset < file.size) {
    try {
      const r = await fetch(`/api/uploads/${start.id}`, {
        method: "PUT",
        credentials: "same-origin",
        headers: {
          "content-type": "application/octet-stream",
          "upload-offset": String(offset),
          "x-csrf-token": csrf,
        },
        body: file.slice(offset, offset + chunkSize),
      });
      const data = await r.json();
      if (r.status === 409) {
        offset = (await get<{ received: number }>(`/api/uploads/${start.id}`)).received;
        continue;
      }
      if (!r.ok) throw new ApiError(r.status, data?.error?.message ?? `${r.status}`);
      offset = data.received;
      onProgress(offset / file.size);
      if (data.status === "complete") return { documentId: data.documentId };
    } catch (e) {
      if (e instanceof ApiError) throw e;
      // network failure: wait, ask where to resume
      if (++failures > 20) throw e;
      await new Promise((res) => setTimeout(res, 500 * failures));
      offset = (await get<{ received: number }>(`/api/uploads/${start.id}`)).received;
    }
  }
  return { documentId: null };
}
