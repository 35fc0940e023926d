// An HTTP client for a running `npm start` on loopback, as a browser or a script would reach it: cookies kept per
// user, tRPC over its wire shape (superjson's `{ json }`), redirects not followed. Used by the attack replay and the
// npm start check.

export type Answer = { status: number; body: string; location: string | null };

export type Client = {
  baseUrl: string;
  /** `name=value; …` of the session, or null signed out. */
  cookie: string | null;
  request: (path: string, init?: RequestInit) => Promise<Answer>;
  query: (procedure: string, input?: unknown) => Promise<Answer>;
  mutate: (procedure: string, input?: unknown) => Promise<Answer>;
};

const PASSWORD = "correct horse battery staple";

const cookiesOf = (response: Response): string =>
  response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");

export const createClient = (baseUrl: string, cookie: string | null = null): Client => {
  const request = async (path: string, init: RequestInit = {}): Promise<Answer> => {
    const headers = new Headers(init.headers);
    // better-auth and the tRPC route check the origin of a cookie-carrying POST
    headers.set("origin", baseUrl);
    if (cookie) headers.set("cookie", cookie);
    const response = await fetch(`${baseUrl}${path}`, { ...init, headers, redirect: "manual" });
    return { status: response.status, body: await response.text(), location: response.headers.get("location") };
  };
  return {
    baseUrl,
    cookie,
    request,
    query: (procedure, input) => request(`/api/trpc/${procedure}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`}`),
    mutate: (procedure, input) =>
      request(`/api/trpc/${procedure}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ json: input ?? null }) }),
  };
};

/** A new account (its own team), signed in. */
export const signUp = async (baseUrl: string, name: string): Promise<Client> => {
  const email = `${name.toLowerCase()}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.test`;
  const response = await fetch(`${baseUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ name, email, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`sign-up answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return createClient(baseUrl, cookiesOf(response));
};

/** The value a tRPC procedure answered with (superjson's `json`), or an error naming the status. */
export const dataOf = <T>(answer: Answer): T => {
  if (answer.status !== 200) throw new Error(`tRPC answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  return (JSON.parse(answer.body) as { result: { data: { json: T } } }).result.data.json;
};
