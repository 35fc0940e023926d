// The one mapping from internal errors to what a client reads: tRPC's errorFormatter, the upload route and the
// feasibility API all answer through it. The full error stays in the server log.

export type PublicError = { status: number; message: string };

export const DATABASE_UNAVAILABLE = "The database is unavailable, try again.";
export const SERVER_FAILED = "Something went wrong on the server; it has been logged.";

// Node socket codes, Prisma's connection codes (P1001 can't reach, P1002 timed out, P1017 closed), Postgres
// shutdown/startup and "too many clients", and the pg and Prisma wordings for a lost connection.
const DATABASE_DOWN =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|\bP10(01|02|17)\b|\b57P0[1-3]\b|\b53300\b|Can't reach database server|Connection terminated|Server has closed the connection|the database system is (starting up|shutting down)|too many clients/i;

const textOf = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${error.name} ${typeof code === "string" ? code : ""} ${error.message} ${error.cause === undefined || error.cause === error ? "" : textOf(error.cause)}`;
};

export const isDatabaseDown = (error: unknown): boolean => DATABASE_DOWN.test(textOf(error));

/**
 * Strips what no client may read even inside a message written for them: absolute file paths, host:port and
 * IP addresses. A safety net under the messages this app writes, never a licence to pass library text through.
 */
export const redactInternals = (message: string): string =>
  message
    .replace(/\bfile:\/\/\S+/gi, "…")
    .replace(/(?:…|\b[A-Za-z]:)?(?:[\\/](?:[\w.@+~-]|…)+){2,}[\\/]?/g, "…")
    .replace(/\[[0-9a-f:]+\](?::\d+)?/gi, "…")
    .replace(/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, "…")
    .replace(/\blocalhost(?::\d{1,5})?\b/gi, "…");

/**
 * An error this app threw on purpose for the person asking (`isExpected`): its own words, redacted; a database outage:
 * 503 and "try again"; anything else (Prisma, SQL, a library, a bug): 500 and a fixed sentence. Logs the unexpected.
 */
export const toPublicError = (error: unknown, options: { isExpected?: boolean; status?: number; log?: (error: unknown) => void } = {}): PublicError => {
  if (options.isExpected && error instanceof Error) return { status: options.status ?? 400, message: redactInternals(error.message) };
  (options.log ?? logServerError)(error);
  if (isDatabaseDown(error)) return { status: 503, message: DATABASE_UNAVAILABLE };
  return { status: 500, message: SERVER_FAILED };
};

export const logServerError = (error: unknown): void => {
  console.error("headroom web:", error);
};

/** A route handler's JSON error answer `{ error: message }`, through the same mapping. */
export const errorResponse = (error: unknown, options: { isExpected?: boolean; status?: number } = {}): Response => {
  const { status, message } = toPublicError(error, options);
  return Response.json({ error: message }, { status });
};
