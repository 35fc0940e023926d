// A static answer from the same server: the benchmark's reference for what the framework alone costs.
export const GET = () => Response.json({ ok: true });
