// The next-auth route handler, built from our options at request time.
import NextAuth from "next-auth";
import { authOptions } from "./options";

type Ctx = { params: Promise<{ nextauth: string[] }> };

export async function authHandler(req: Request, ctx: Ctx): Promise<Response> {
  // next-auth 4's App Router overload is untyped (any); in a route handler it answers a Response.
  return (await NextAuth(req as never, { params: await ctx.params } as never, authOptions())) as Response;
}
