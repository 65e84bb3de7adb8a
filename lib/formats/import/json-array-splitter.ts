// Splits a top-level JSON array into its element texts as they stream in, without parsing the whole file.
import { ImportRowError } from "./import-row-error";

/**
 * Yields `{ line, text }` for each element of a top-level JSON array read from `chunks`
 * (decoded text), so a multi-gigabyte `alpaca_data.json` needs memory for one element at a
 * time. It tracks only what decides where an element ends — string/escape state and
 * bracket depth — and leaves validating each element to JSON.parse. `line` is the 1-based
 * line where the element starts.
 */
export async function* splitJsonArray(chunks: AsyncIterable<string>): AsyncGenerator<{ line: number; text: string }> {
  // before: waiting for "["; between: waiting for an element or "]"; inside: in an element; after: past "]"
  let state = "before" as "before" | "between" | "inside" | "after";
  let line = 1;
  let depth = 0; // bracket depth inside the current element
  let inString = false;
  let escaped = false;
  let sawComma = false; // a "," was read since the last element: "]" now would be a trailing comma
  let elementLine = 0;
  let parts: string[] = [];
  let elements = 0;

  for await (const chunk of chunks) {
    let start = -1; // where the current element begins in this chunk
    if (state === "inside") start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === "\n") line++;
      if (state === "inside") {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === "\\") escaped = true;
          else if (c === '"') inString = false;
          continue;
        }
        if (c === '"') inString = true;
        else if (c === "{" || c === "[") depth++;
        else if ((c === "}" || c === "]") && depth > 0) depth--;
        else if ((c === "," || c === "]") && depth === 0) {
          parts.push(chunk.slice(start, i));
          yield { line: elementLine, text: parts.join("").trimEnd() };
          parts = [];
          elements++;
          state = c === "," ? "between" : "after";
          sawComma = c === ",";
        }
        continue;
      }
      if (isWhitespace(c) || (c === "\ufeff" && state === "before")) continue;
      if (state === "before") {
        if (c !== "[") throw new ImportRowError(line, null, "expected a JSON array or one JSON object per line");
        state = "between";
      } else if (state === "between") {
        if (c === "]" && !sawComma && elements === 0) state = "after";
        else if (c === "]" || c === ",") throw new ImportRowError(line, null, `unexpected "${c}" in the JSON array`);
        else {
          state = "inside";
          elementLine = line;
          start = i;
          depth = 0;
          inString = false;
          escaped = false;
          i--; // reread this character inside the element (it may open a string or bracket); never "\n" here
        }
      } else {
        throw new ImportRowError(line, null, "unexpected content after the end of the JSON array");
      }
    }
    if (state === "inside" && start >= 0) parts.push(chunk.slice(start));
  }
  if (state === "before") return; // empty file: no rows
  if (state !== "after") throw new ImportRowError(line, null, "the JSON array is not closed (file truncated?)");
}

function isWhitespace(c: string): boolean {
  return c === " " || c === "\n" || c === "\r" || c === "\t";
}
