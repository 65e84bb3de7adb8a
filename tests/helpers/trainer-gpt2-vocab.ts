// GPT-2's real vocabulary as vocab.json + merges.txt contents, rebuilt from the ranks js-tiktoken ships (its "gpt2"
// encoding): a token's merge is the pair that byte-pair merging with only the lower ranks leaves of its bytes (the
// conversion transformers uses for tiktoken files). Reference ids then come from js-tiktoken's own encoder.
import gpt2 from "js-tiktoken/ranks/gpt2";

/** GPT-2's printable stand-ins for the 256 bytes (openai/gpt-2 encoder.py bytes_to_unicode). */
function byteChars(): string[] {
  const keep = [...range(33, 127), ...range(161, 173), ...range(174, 256)];
  const out: string[] = [];
  let n = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCharCode(keep.includes(b) ? b : 256 + n++);
  return out;
}
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

/** Parses js-tiktoken's compressed ranks: lines "! <first rank> <base64 token> <base64 token> …". */
function ranks(): Array<{ bytes: Uint8Array; rank: number }> {
  const out: Array<{ bytes: Uint8Array; rank: number }> = [];
  for (const line of gpt2.bpe_ranks.split("\n").filter(Boolean)) {
    const [, first, ...tokens] = line.split(" ");
    tokens.forEach((t, i) => out.push({ bytes: Uint8Array.from(Buffer.from(t, "base64")), rank: Number(first) + i }));
  }
  return out.sort((a, b) => a.rank - b.rank);
}

export function gpt2VocabAndMerges(): { vocab: Record<string, number>; merges: string[] } {
  const chars = byteChars();
  const all = ranks();
  const rankOf = new Map(all.map((t) => [Buffer.from(t.bytes).toString("latin1"), t.rank]));
  const text = (b: Uint8Array) => Array.from(b, (x) => chars[x]).join("");
  const vocab: Record<string, number> = {};
  for (const t of all) vocab[text(t.bytes)] = t.rank;
  for (const [s, id] of Object.entries(gpt2.special_tokens)) vocab[s] = id;
  const merges: string[] = [];
  for (const t of all) {
    if (t.bytes.length < 2) continue;
    // Merge the lowest-ranked adjacent pair below this token's rank until two parts are left.
    let parts = Array.from(t.bytes, (x) => String.fromCharCode(x));
    while (parts.length > 2) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = rankOf.get(parts[i] + parts[i + 1]);
        if (r !== undefined && r < t.rank && r < bestRank) [best, bestRank] = [i, r];
      }
      if (best < 0) throw new Error(`no merge path for rank ${t.rank}`);
      parts = [...parts.slice(0, best), parts[best] + parts[best + 1], ...parts.slice(best + 2)];
    }
    merges.push(parts.map((p) => text(Uint8Array.from(p, (c) => c.charCodeAt(0)))).join(" "));
  }
  return { vocab, merges };
}
