// Next.js configuration: Node-only native modules stay external to the server bundle; security headers.
import type { NextConfig } from 'next';

const nextConfig = {
  // A second build directory lets tests build with sentinel secrets without touching the main build.
  distDir: process.env.NEXT_DIST_DIR ?? '.next',
  // better-sqlite3 is a native addon; the S2 SDK opens HTTP/2 sessions with node:http2.
  serverExternalPackages: ['better-sqlite3', '@s2-dev/streamstore'],
  poweredByHeader: false,
  reactStrictMode: true,
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          // No other site may frame the app (clickjacking), sniff its JSON as script, or see its chat URLs.
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
} satisfies NextConfig;

export default nextConfig;
