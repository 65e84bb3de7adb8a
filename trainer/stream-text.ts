// A choice's reply as it streams: the text its tokens decode to so far, cut at the first stop sequence, with a cut
// multi-byte character and any tail that might still become a stop sequence held back until the next token settles it.
// What was sent is the reply: the streamed deltas and the final text are the same string.
import type { FinishReason } from "./serve-protocol";

/**
 * A model's output as text a database keeps and a page shows: a byte-level model can emit NUL and other control
 * bytes (PostgreSQL refuses NUL in text), so all but tab and newlines are dropped.
 */
export function storableText(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");
}

export class StreamedText {
  private ids: number[] = [];
  /** the text sent so far (the reply's prefix) */
  text = "";
  tokens = 0;
  finish: FinishReason | null = null;
  private readonly longestStop: number;

  constructor(
    private readonly decode: (ids: number[]) => string,
    private readonly stop: string[],
    /** applied to the decoded text before stop sequences are looked for (e.g. dropping control bytes) */
    private readonly clean: (s: string) => string = (s) => s,
  ) {
    this.longestStop = Math.max(0, ...stop.map((s) => s.length));
  }

  /** Adds a sampled token (not the end token); returns the text that can be sent now ("" when none). */
  push(id: number): string {
    this.tokens += 1;
    this.ids.push(id);
    // A cut UTF-8 sequence decodes to U+FFFD until its last byte arrives.
    const whole = this.clean(this.decode(this.ids)).replace(/\uFFFD+$/, "");
    const cut = this.firstStop(whole);
    if (cut >= 0) return this.send(whole.slice(0, cut), "stop");
    return this.send(whole.slice(0, whole.length - this.heldTail(whole)), null);
  }

  /** The choice ended (its end token: "stop"; out of tokens: "length"); returns the rest of the text. */
  end(reason: FinishReason, endToken = false): string {
    if (endToken) this.tokens += 1;
    const whole = this.clean(this.decode(this.ids));
    const cut = this.firstStop(whole);
    return cut >= 0 ? this.send(whole.slice(0, cut), "stop") : this.send(whole, reason);
  }

  private send(upTo: string, finish: FinishReason | null): string {
    this.finish = finish;
    if (upTo.length <= this.text.length) return "";
    const delta = upTo.slice(this.text.length);
    this.text += delta;
    return delta;
  }

  /** Where the earliest stop sequence begins in `s` (searching only text that could hold a new one), or -1. */
  private firstStop(s: string): number {
    let cut = -1;
    const from = Math.max(0, this.text.length - this.longestStop + 1);
    for (const stop of this.stop) {
      const i = s.indexOf(stop, from);
      if (i >= 0 && (cut < 0 || i < cut)) cut = i;
    }
    return cut;
  }

  /** Length of the longest end of `s` that begins some stop sequence (so may yet complete it). */
  private heldTail(s: string): number {
    for (let k = Math.min(this.longestStop - 1, s.length); k > 0; k--) if (this.stop.some((stop) => stop.startsWith(s.slice(s.length - k)))) return k;
    return 0;
  }
}
