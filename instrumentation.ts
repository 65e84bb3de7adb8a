// Runs once when the Next server starts: migrations first, then (embedded database) the job runner.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { MIN_NODE, isAtLeast } = await import("./lib/cli/node-runtime.mjs");
  if (!isAtLeast(process.version, MIN_NODE)) {
    // `next dev`/`next start` run straight on an old Node: say what is needed instead of failing inside pg-boss.
    console.error(`Tuneloop needs Node >= ${MIN_NODE} (this is Node ${process.version}). \`npm start\` runs it under Node 24 by itself; see README, "Node versions".`);
    process.exit(1);
  }
  const { startServer } = await import("./lib/server-start");
  await startServer();
}
