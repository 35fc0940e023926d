import { createRequestContext } from "@/server/context";
import { appRouter } from "@/server/root";
import { handleTrpcRequest } from "@/server/trpc-http";

const handler = (request: Request) => handleTrpcRequest(request, { router: appRouter, createContext: () => createRequestContext(request.headers) });

export { handler as GET, handler as POST };
