// Stand-in for "server-only" outside Next (vitest, CLI): the guard only matters in the client bundle.
export {};
