// next-auth's sign-in, sign-out, session and CSRF endpoints.
import { authHandler } from "@/lib/auth/handlers";

export { authHandler as GET, authHandler as POST };
