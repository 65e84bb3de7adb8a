// next-auth configuration: email + password (Credentials provider), JWT sessions carrying id and role.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { authSecret } from "./secret";
import { decodeSessionToken } from "./session-token";
import { signInWithPassword } from "./sign-in";

function clientIp(headers: Record<string, unknown> | undefined): string | null {
  const fwd = headers?.["x-forwarded-for"];
  const first = typeof fwd === "string" ? fwd.split(",")[0].trim() : null;
  return first || null;
}

export function authOptions(): NextAuthOptions {
  return {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
    jwt: { decode: decodeSessionToken },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const result = await signInWithPassword(credentials ?? {}, clientIp(req?.headers as Record<string, unknown>));
          // next-auth passes a thrown error's message to the client as `error`.
          if (!result.ok) throw new Error(result.message);
          return { id: result.actor.id, email: result.actor.email, name: result.actor.name, role: result.actor.role };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.role = (user as { role?: string }).role;
        }
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.uid as string, role: token.role as string } };
      },
    },
  };
}
