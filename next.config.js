// Next.js configuration: native and WASM packages stay outside the server bundle; next-intl reads i18n/request.ts.
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

/** @type {import('next').NextConfig} */
const nextConfig = {
  // NEXT_DIST_DIR lets several checkouts' builds (e.g. parallel test runs) sit side by side; `.next` by default.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pg",
    "pg-boss",
    "@node-rs/argon2",
    "@tensorflow/tfjs",
    "@tensorflow/tfjs-backend-wasm",
  ],
  // forbidden() and app/forbidden.tsx give signed-in people without the role a real 403.
  experimental: { authInterrupts: true },
  // Types are checked by `npm test` (tsc over the whole repo, trainer and tests included), not by the build.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default withNextIntl(nextConfig);
