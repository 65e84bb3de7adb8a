// Next's proxy: hands each page request's own path to the page (x-tuneloop-path), so a sign-in redirect can come back to it.
// It checks nothing: pages and actions check the role themselves (lib/auth/session.ts).
import { NextResponse, type NextRequest } from "next/server";
import { PATH_HEADER } from "@/lib/auth/callback";

export function proxy(request: NextRequest) {
  const url = request.nextUrl.clone();
  url.searchParams.delete("_rsc");
  const headers = new Headers(request.headers);
  // Replaces any value the client sent; the page still validates it as a same-origin path.
  headers.set(PATH_HEADER, url.pathname + url.search);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Pages only: not the API, Next's assets, or files with an extension (icon.svg, robots.txt).
  matcher: ["/((?!api/|_next/|.*\\.[a-zA-Z0-9]+$).*)"],
};
