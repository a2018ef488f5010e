/** Errors as JSON with a clear message and, for bad input, the field path. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly path?: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export const notFound = (what: string): HttpError =>
  new HttpError(404, `${what} not found`, undefined, "not-found");
export const forbidden = (what: string): HttpError =>
  new HttpError(403, `not allowed: ${what}`, undefined, "forbidden");
export const unauthorized = (): HttpError => new HttpError(401, "sign in first", undefined, "unauthorized");
export const conflict = (message: string): HttpError => new HttpError(409, message, undefined, "conflict");

export interface ErrorBody {
  readonly error: { readonly message: string; readonly code?: string; readonly path?: string };
}
