import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createRequestContext } from "@/server/context";
import { appRouter } from "@/server/root";

const handler = (request: Request) =>
  fetchRequestHandler({ endpoint: "/api/trpc", req: request, router: appRouter, createContext: () => createRequestContext(request.headers) });

export { handler as GET, handler as POST };
