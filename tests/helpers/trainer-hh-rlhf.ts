// Reads Anthropic HH-RLHF pairs ("\n\nHuman: …\n\nAssistant: …" transcripts) into prompt/chosen/rejected turns.
import fs from "node:fs";
import zlib from "node:zlib";

export const HH_FILE = new URL("../../../shared/data/hh-rlhf-harmless-test.jsonl.gz", import.meta.url).pathname;

type Turn = { role: "user" | "assistant"; content: string };
export type HhPair = { prompt: Turn[]; chosen: string; rejected: string };

function turns(transcript: string): Turn[] {
  return transcript
    .split(/\n\n(?=(?:Human|Assistant): )/)
    .filter((t) => t.trim())
    .map((t) => {
      const m = /^(Human|Assistant): ([\s\S]*)$/.exec(t);
      return m ? { role: m[1] === "Human" ? ("user" as const) : ("assistant" as const), content: m[2].trim() } : { role: "user" as const, content: t.trim() };
    });
}

/** Pairs whose transcripts share everything but the last assistant turn (the shape HH-RLHF pairs have). */
export function readHhPairs(file = HH_FILE): HhPair[] {
  const rows = zlib.gunzipSync(fs.readFileSync(file)).toString("utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as { chosen: string; rejected: string });
  return rows.flatMap((r) => {
    const c = turns(r.chosen);
    const j = turns(r.rejected);
    const last = (t: Turn[]) => t.at(-1);
    if (last(c)?.role !== "assistant" || last(j)?.role !== "assistant") return [];
    if (JSON.stringify(c.slice(0, -1)) !== JSON.stringify(j.slice(0, -1))) return [];
    return [{ prompt: c.slice(0, -1), chosen: last(c)!.content, rejected: last(j)!.content }];
  });
}
