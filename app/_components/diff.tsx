// Word-level before/after diff (longest common subsequence), for review edits and rewrites of model outputs.

type Part = { kind: "same" | "del" | "ins"; text: string };

// Past this many tokens on either side the LCS table gets large; show both texts whole instead.
const MAX_TOKENS = 3000;

function diffTokens(a: string[], b: string[]): Part[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = LCS length of a[i:] and b[j:]
  const lcs = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const parts: Part[] = [];
  const push = (kind: Part["kind"], text: string) => {
    const last = parts[parts.length - 1];
    if (last?.kind === kind) last.text += text;
    else parts.push({ kind, text });
  };
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) (push("same", a[i]), i++, j++);
    else if (lcs[i + 1][j] >= lcs[i][j + 1]) push("del", a[i++]);
    else push("ins", b[j++]);
  }
  while (i < n) push("del", a[i++]);
  while (j < m) push("ins", b[j++]);
  return parts;
}

export function wordDiff(before: string, after: string): Part[] | null {
  const tok = (s: string) => s.match(/\s+|[^\s]+/g) ?? [];
  const a = tok(before);
  const b = tok(after);
  if (a.length > MAX_TOKENS || b.length > MAX_TOKENS) return null;
  return diffTokens(a, b);
}

export function Diff({ before, after, testId = "diff" }: { before: string; after: string; testId?: string }) {
  const parts = wordDiff(before, after);
  if (!parts) {
    return (
      <div data-testid={testId} className="grid gap-2 text-sm sm:grid-cols-2">
        <pre className="whitespace-pre-wrap rounded bg-red-50 p-2 dark:bg-red-950/40">{before}</pre>
        <pre className="whitespace-pre-wrap rounded bg-green-50 p-2 dark:bg-green-950/40">{after}</pre>
      </div>
    );
  }
  return (
    <p data-testid={testId} className="whitespace-pre-wrap rounded border border-slate-200 p-2 text-sm dark:border-slate-700">
      {parts.map((p, k) =>
        p.kind === "same" ? (
          <span key={k}>{p.text}</span>
        ) : p.kind === "del" ? (
          <del key={k} className="bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300">
            {p.text}
          </del>
        ) : (
          <ins key={k} className="bg-green-100 text-green-800 no-underline dark:bg-green-950 dark:text-green-300">
            {p.text}
          </ins>
        ),
      )}
    </p>
  );
}
