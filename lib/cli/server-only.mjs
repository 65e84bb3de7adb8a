// `import "server-only"` outside Next: lib/ and db/ modules carry it so Next keeps them out of client bundles, and
// outside Next's react-server graph the package throws on import. A process of our own (the CLI, a bench) loads
// this after tsx, so its resolve hook is asked first and hands back an empty module.
import module from "node:module";

const hook = `export async function resolve(s, c, next) {
  return s === "server-only" ? { url: "data:text/javascript,", shortCircuit: true } : next(s, c);
}`;
module.register(`data:text/javascript,${encodeURIComponent(hook)}`);
