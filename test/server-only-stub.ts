// Stands in for `server-only` under Vitest, where modules run on Node outside a React Server Component graph.
export {};
