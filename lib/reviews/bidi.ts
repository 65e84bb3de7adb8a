// Bidirectional control characters (Trojan Source, CVE-2021-42574): find them, and show them as visible markers in raw text.

/** Every character with Unicode's Bidi_Control property (Unicode 15: twelve code points), by name. */
const BIDI_CONTROLS: ReadonlyMap<number, string> = new Map([
  [0x061c, "ARABIC LETTER MARK"],
  [0x200e, "LEFT-TO-RIGHT MARK"],
  [0x200f, "RIGHT-TO-LEFT MARK"],
  [0x202a, "LEFT-TO-RIGHT EMBEDDING"],
  [0x202b, "RIGHT-TO-LEFT EMBEDDING"],
  [0x202c, "POP DIRECTIONAL FORMATTING"],
  [0x202d, "LEFT-TO-RIGHT OVERRIDE"],
  [0x202e, "RIGHT-TO-LEFT OVERRIDE"],
  [0x2066, "LEFT-TO-RIGHT ISOLATE"],
  [0x2067, "RIGHT-TO-LEFT ISOLATE"],
  [0x2068, "FIRST STRONG ISOLATE"],
  [0x2069, "POP DIRECTIONAL ISOLATE"],
]);

const pattern = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export type BidiControl = { codePoint: string; name: string; count: number };

/** "U+202E" for 0x202e. */
export const codePointLabel = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;

/** The bidi controls in `text`, each once with how often it occurs, in code point order; [] when there are none. */
export function findBidiControls(text: string): BidiControl[] {
  const counts = new Map<number, number>();
  for (const m of text.matchAll(pattern)) {
    const cp = m[0].codePointAt(0)!;
    counts.set(cp, (counts.get(cp) ?? 0) + 1);
  }
  return [...counts]
    .sort(([a], [b]) => a - b)
    .map(([cp, count]) => ({ codePoint: codePointLabel(cp), name: BIDI_CONTROLS.get(cp)!, count }));
}

export type RawSegment = { text: string } | { control: string; name: string };

/** `text` cut at each bidi control; a control becomes a marker segment, so a raw view shows where it is instead of obeying it. */
export function splitAtBidiControls(text: string): RawSegment[] {
  const out: RawSegment[] = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    const cp = m[0].codePointAt(0)!;
    out.push({ control: codePointLabel(cp), name: BIDI_CONTROLS.get(cp)! });
    last = m.index + 1;
  }
  if (last < text.length || out.length === 0) out.push({ text: text.slice(last) });
  return out;
}
