// A TCP proxy in front of PostgreSQL that can swallow a COMMIT's acknowledgement: the server has committed,
// the client only sees its connection die. Speaks just enough of the wire protocol to find CommandComplete "COMMIT".
import net from "node:net";

export type FaultProxy = {
  port: number;
  /** The same URL with this proxy's port. */
  urlThrough(url: string): string;
  /** The next `n` acknowledged commits (on any connection) are dropped and that connection is cut. */
  dropCommitAcks(n: number): void;
  /** How many commit acknowledgements were dropped so far. */
  dropped(): number;
  /** The next `n` BEGIN statements (on any connection) never reach the server: their connection is cut instead. */
  cutAtBegin(n: number): void;
  /** How many connections were cut at BEGIN so far. */
  cutBegins(): number;
  close(): Promise<void>;
};

const COMMAND_COMPLETE = 0x43; // 'C'
const QUERY = 0x51; // 'Q' (simple query, which pg uses for statements without parameters)

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let armed = 0;
  let dropped = 0;
  let beginsArmed = 0;
  let beginsCut = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", cut).on("close", cut);
    upstream.on("error", cut).on("close", cut);
    // Client → server: an untyped startup message, then typed messages like the other direction.
    let started = false;
    let sent = Buffer.alloc(0);
    client.on("data", (chunk) => {
      sent = sent.length ? Buffer.concat([sent, chunk]) : chunk;
      let forward = 0;
      for (;;) {
        const head = started ? 1 : 0;
        if (sent.length - forward < head + 4) break;
        const len = sent.readInt32BE(forward + head);
        if (sent.length - forward < head + len) break;
        const isBegin = started && sent[forward] === QUERY && /^\s*begin\b/i.test(sent.toString("utf8", forward + 5, forward + Math.min(1 + len, 64)));
        if (isBegin && beginsArmed > 0) {
          beginsArmed -= 1;
          beginsCut += 1;
          if (forward) upstream.write(sent.subarray(0, forward));
          cut();
          return;
        }
        forward += head + len;
        started = true;
      }
      if (forward) upstream.write(sent.subarray(0, forward));
      sent = sent.subarray(forward);
    });
    // Server → client is a stream of typed messages: 1 type byte, then an int32 length that counts itself.
    let pending = Buffer.alloc(0);
    upstream.on("data", (chunk) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let forward = 0;
      while (pending.length - forward >= 5) {
        const len = pending.readInt32BE(forward + 1);
        if (pending.length - forward < 1 + len) break;
        const isCommitAck = pending[forward] === COMMAND_COMPLETE && pending.toString("latin1", forward + 5, forward + 11) === "COMMIT";
        if (isCommitAck && armed > 0) {
          armed -= 1;
          dropped += 1;
          if (forward) client.write(pending.subarray(0, forward));
          cut();
          return;
        }
        forward += 1 + len;
      }
      if (forward) client.write(pending.subarray(0, forward));
      pending = pending.subarray(forward);
    });
  });
  server.on("connection", (s) => s.on("close", () => sockets.delete(s)));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    urlThrough: (url) => {
      const u = new URL(url);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      return u.toString();
    },
    dropCommitAcks: (n) => void (armed += n),
    dropped: () => dropped,
    cutAtBegin: (n) => void (beginsArmed += n),
    cutBegins: () => beginsCut,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
