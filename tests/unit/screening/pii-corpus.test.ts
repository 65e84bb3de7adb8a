// Precision and recall of the PII detectors on a labelled corpus: real instructions and answers (Alpaca seed tasks, AlpacaEval
// instructions in ../shared/data) with PII planted at known offsets. Any hit that is not a planted item counts against precision,
// including the few PII-looking strings the real texts already hold (e.g. a seed task's sample e-mail signature).
import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { expect, it } from "vitest";
import { detectPii, IBAN_LENGTHS, type PiiKind } from "@/lib/screening/pii";
import { skipBecause } from "../../helpers/skip";

const data = path.resolve(import.meta.dirname, "../../../../shared/data");
const PRECISION_FLOOR = 0.95;
const RECALL_FLOOR = 0.95;

/** mulberry32: a fixed seed gives the same corpus on every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(18);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join("");
const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

/** The Luhn check digit for a payload (computed here from the definition, independently of the detector). */
function luhnDigit(payload: string) {
  let sum = 0;
  [...payload].reverse().forEach((ch, i) => {
    let d = Number(ch);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  });
  return String((10 - (sum % 10)) % 10);
}
/** ISO 13616 check digits: 98 − (BBAN + country + "00" as a number) mod 97, by BigInt. */
function ibanOf(country: string, bban: string) {
  const num = (bban + country + "00").replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  const check = String(98n - (BigInt(num) % 97n)).padStart(2, "0");
  return country + check + bban;
}

// Check digits of the national identifiers, written here from each issuer's rule (the unit tests pin the detector to published vectors).
const DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";
/** INSEE: key = 97 − (the 13 digits, Corsica 2A/2B read as 19/18) mod 97. */
const nirKey = (body13: string) => String(97n - (BigInt(body13.replace("2A", "19").replace("2B", "18")) % 97n)).padStart(2, "0");
/** Codice fiscale check character: odd positions (1st, 3rd …) through the decree's table, even ones 0-9 / A-Z = 0-25, sum mod 26. */
function cfCheck(first15: string) {
  const odd: Record<string, number> = {};
  "BAKPLCQDREVOSFTGUHMINJWZYX".split("").forEach((c, v) => (odd[c] = v)); // the letters in order of their odd-position value
  [1, 0, 5, 7, 9, 13, 15, 17, 19, 21].forEach((v, d) => (odd[String(d)] = v));
  let sum = 0;
  [...first15].forEach((c, i) => (sum += i % 2 === 0 ? odd[c] : /\d/.test(c) ? Number(c) : c.charCodeAt(0) - 65));
  return String.fromCharCode(65 + (sum % 26));
}
/** Verhoeff check digit: the digit that makes the whole number's checksum 0 (dihedral group D5 tables from Verhoeff 1969). */
function verhoeffDigit(payload: string) {
  const d = [[0,1,2,3,4,5,6,7,8,9],[1,2,3,4,0,6,7,8,9,5],[2,3,4,0,1,7,8,9,5,6],[3,4,0,1,2,8,9,5,6,7],[4,0,1,2,3,9,5,6,7,8],[5,9,8,7,6,0,4,3,2,1],[6,5,9,8,7,1,0,4,3,2],[7,6,5,9,8,2,1,0,4,3],[8,7,6,5,9,3,2,1,0,4],[9,8,7,6,5,4,3,2,1,0]];
  const p = [[0,1,2,3,4,5,6,7,8,9],[1,5,7,6,2,8,3,0,9,4],[5,8,0,3,7,9,6,1,4,2],[8,9,1,6,0,4,3,5,2,7],[9,4,5,3,1,2,6,8,7,0],[4,2,8,6,5,7,3,9,0,1],[2,7,9,3,8,0,6,4,1,5],[7,0,4,6,9,1,3,2,5,8]];
  const inv = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];
  let c = 0;
  [...payload].reverse().forEach((ch, i) => (c = d[c][p[(i + 1) % 8][Number(ch)]]));
  return String(inv[c]);
}
/** ISO 7064 MOD 11,10 check digit, in python-stdnum's formulation (the running check ends at 1 with the right digit appended). */
function mod1110Digit(payload: string) {
  let check = 5;
  for (const ch of payload) check = ((((check || 10) * 2) % 11) + Number(ch)) % 10;
  return String((((1 - (((check || 10) * 2) % 11)) % 10) + 10) % 10);
}
const space = (s: string, groups: number[], sep: string) => {
  let at = 0;
  return groups.map((g) => s.slice(at, (at += g))).join(sep);
};

const first = ["jane", "omar", "li", "maria", "k.smith", "dev", "anna-lena", "tom"];
const domains = ["example.com", "mail.example.org", "uni-bonn.de", "corp.co.uk", "gmail.com"];
const generators: Record<PiiKind, () => string> = {
  email: () => `${pick(first)}${pick(["", ".", "_", "+news."])}${pick(first).replace(/[.-]/g, "")}${between(0, 1) ? between(1, 99) : ""}@${pick(domains)}`,
  phone: () =>
    pick([
      () => `(${pick(["212", "415", "617", "312", "206"])}) ${between(2, 9)}${digits(2)}-${digits(4)}`,
      () => `${pick(["646", "503", "713", "404"])}-${between(2, 9)}${digits(2)}-${digits(4)}`,
      () => `+1 ${pick(["202", "305", "510"])} ${between(2, 9)}${digits(2)} ${digits(4)}`,
      () => `+44 20 7${digits(3)} ${digits(4)}`,
      () => `020 8${digits(3)} ${digits(4)}`,
      () => `07${between(400, 999)} ${digits(6)}`,
    ])(),
  card: () => {
    const [prefix, length, groups] = pick([["4", 16, [4, 4, 4, 4]], ["51", 16, [4, 4, 4, 4]], ["37", 15, [4, 6, 5]]] as const);
    const payload = prefix + digits(length - prefix.length - 1);
    const n = payload + luhnDigit(payload);
    const sep = pick([" ", "-", ""]);
    let at = 0;
    return groups.map((g) => n.slice(at, (at += g))).join(sep);
  },
  iban: () => {
    const country = pick(["GB", "DE", "FR", "NL"]);
    const bban = country === "GB" ? `${pick(["WEST", "NWBK", "BARC"])}${digits(14)}` : country === "NL" ? `${pick(["ABNA", "INGB"])}${digits(10)}` : digits(IBAN_LENGTHS[country] - 4);
    const iban = ibanOf(country, bban);
    return rand() < 0.5 ? iban : iban.replace(/(.{4})(?=.)/g, "$1 ");
  },
  ip: () => (rand() < 0.7 ? [between(1, 223), between(0, 255), between(0, 255), between(1, 254)].join(".") : `2001:db8:${between(1, 0xffff).toString(16)}::${between(1, 0xffff).toString(16)}`),
  ssn: () => `${String(between(1, 665)).padStart(3, "0")}-${String(between(1, 99)).padStart(2, "0")}-${String(between(1, 9999)).padStart(4, "0")}`,
  nino: () => `${pick(["AB", "CE", "JG", "PR", "TW", "WL"])} ${digits(2)} ${digits(2)} ${digits(2)} ${pick(["A", "B", "C", "D"])}`,
  dni: () => {
    const nie = rand() < 0.3;
    const num = nie ? digits(7) : String(between(1, 99_999_999)).padStart(8, "0");
    const prefix = nie ? pick(["X", "Y", "Z"]) : "";
    const letter = DNI_LETTERS[Number((prefix ? String("XYZ".indexOf(prefix)) : "") + num) % 23];
    return `${prefix}${num}${pick(["", "-"])}${letter}`;
  },
  nir: () => {
    const body = `${pick(["1", "2"])}${digits(2)}${String(between(1, 12)).padStart(2, "0")}${rand() < 0.1 ? pick(["2A", "2B"]) : String(between(1, 95)).padStart(2, "0")}${digits(3)}${digits(3)}`;
    const n = body + nirKey(body);
    return rand() < 0.5 ? n : space(n, [1, 2, 2, 2, 3, 3, 2], " ");
  },
  codice_fiscale: () => {
    const letters = () => String.fromCharCode(65 + between(0, 25));
    const body = `${Array.from({ length: 6 }, letters).join("")}${digits(2)}${pick([..."ABCDEHLMPRST"])}${String(between(1, 28) + (rand() < 0.5 ? 40 : 0)).padStart(2, "0")}${letters()}${digits(3)}`;
    return body + cfCheck(body);
  },
  bsn: () => {
    for (;;) {
      const payload = String(between(1, 99_999_999)).padStart(8, "0");
      const d9 = [...payload].reduce((s, ch, i) => s + (9 - i) * Number(ch), 0) % 11;
      if (d9 < 10) return rand() < 0.5 ? payload + d9 : space(payload + d9, [4, 2, 3], ".");
    }
  },
  aadhaar: () => {
    const payload = `${between(2, 9)}${digits(10)}`;
    const n = payload + verhoeffDigit(payload);
    return rand() < 0.5 ? n : space(n, [4, 4, 4], " ");
  },
  sin: () => {
    const payload = `${pick([1, 2, 3, 4, 5, 6, 7, 9])}${digits(7)}`;
    return space(payload + luhnDigit(payload), [3, 3, 3], pick([" ", "-", ""]));
  },
  steuer_id: () => {
    // ten digits, none leading 0, exactly one of them twice
    for (;;) {
      const pool = [..."0123456789"].sort(() => rand() - 0.5).slice(0, 9);
      const ten = [...pool, pick(pool)].sort(() => rand() - 0.5).join("");
      if (ten[0] === "0") continue;
      const n = ten + mod1110Digit(ten);
      return rand() < 0.5 ? n : space(n, [2, 3, 3, 3], " ");
    }
  },
};
const kinds = Object.keys(generators) as PiiKind[];
const lead: Record<PiiKind, string[]> = {
  email: ["Email me at", "Contact:", "cc"],
  phone: ["Call", "Phone:", "ring me on"],
  card: ["Card number", "paid with", "charge"],
  iban: ["IBAN", "transfer to", "account"],
  ip: ["from IP", "server", "host"],
  ssn: ["SSN", "social security number"],
  nino: ["NI number", "National Insurance no."],
  dni: ["DNI", "NIE:", "documento"],
  nir: ["NIR", "numéro de sécurité sociale", "INSEE"],
  codice_fiscale: ["codice fiscale", "CF:", "tax code"],
  bsn: ["BSN", "burgerservicenummer:"],
  aadhaar: ["Aadhaar", "Aadhaar no.", "UID"],
  sin: ["SIN", "social insurance number"],
  steuer_id: ["Steuer-ID", "Steueridentifikationsnummer", "IdNr"],
};

type Doc = { text: string; planted: Array<{ kind: PiiKind; start: number; end: number; leadStart: number }> };

/** Plants 0-3 items after sentence ends or at the end, recording their offsets. */
function plant(base: string): Doc {
  let text = base;
  const planted: Doc["planted"] = [];
  const n = rand() < 0.35 ? 0 : between(1, 3);
  for (let i = 0; i < n; i++) {
    const kind = pick(kinds);
    const value = generators[kind]();
    // never between an earlier item and its lead ("Aadhaar no. " ends in ". "): the lead names what follows
    const breaks = [...text.matchAll(/[.!?]\s/g)].map((m) => m.index + 1).filter((b) => !planted.some((p) => b > p.leadStart && b <= p.start));
    const at = breaks.length && rand() < 0.6 ? pick(breaks) : text.length;
    const prefix = ` ${pick(lead[kind])} `;
    const insert = `${prefix}${value}${pick([".", ",", "", " please."])}`;
    const start = at + prefix.length;
    for (const p of planted) {
      if (p.start < at) continue;
      p.start += insert.length;
      p.end += insert.length;
      p.leadStart += insert.length;
    }
    text = text.slice(0, at) + insert + text.slice(at);
    planted.push({ kind, start, end: start + value.length, leadStart: at });
  }
  return { text, planted };
}

it("finds planted PII in real text with precision and recall above the floors", (ctx) => {
  const seedFile = path.join(data, "alpaca-seed-tasks.jsonl");
  const evalFile = path.join(data, "alpaca-eval-ranking-tasks.jsonl.gz");
  if (!fs.existsSync(seedFile) || !fs.existsSync(evalFile)) skipBecause(ctx, `needs ${seedFile} and ${evalFile} (../shared/data is absent)`);
  const seeds = fs.readFileSync(seedFile, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { instruction: string; instances: Array<{ input: string; output: string }> });
  const evals = gunzipSync(fs.readFileSync(evalFile)).toString().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { instruction: string });
  const bases = [...seeds.flatMap((s) => [s.instruction, ...s.instances.flatMap((x) => [x.input, x.output])]), ...evals.map((e) => e.instruction)].filter((t) => t && t.trim().length > 0);
  const docs = bases.map(plant);

  let tp = 0, fp = 0, fn = 0;
  const perKind = Object.fromEntries(kinds.map((k) => [k, { planted: 0, found: 0 }]));
  const misses: string[] = [];
  const extras: string[] = [];
  for (const d of docs) {
    const hits = detectPii(d.text);
    const used = new Set<number>();
    for (const p of d.planted) {
      perKind[p.kind].planted++;
      const j = hits.findIndex((h, i) => !used.has(i) && h.kind === p.kind && h.start < p.end && p.start < h.end);
      if (j >= 0) {
        used.add(j);
        tp++;
        perKind[p.kind].found++;
      } else {
        fn++;
        misses.push(`${p.kind}: ${d.text.slice(p.start, p.end)}`);
      }
    }
    hits.forEach((h, i) => {
      if (used.has(i)) return;
      fp++;
      extras.push(`${h.kind}: ${h.text}`);
    });
  }
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  console.log(`PII corpus: ${docs.length} texts, ${tp + fn} planted; precision ${precision.toFixed(4)}, recall ${recall.toFixed(4)} (tp ${tp}, fp ${fp}, fn ${fn})`);
  console.log(`per kind (found/planted): ${kinds.map((k) => `${k} ${perKind[k].found}/${perKind[k].planted}`).join(", ")}`);
  if (misses.length) console.log(`missed: ${misses.slice(0, 10).join(" | ")}`);
  if (extras.length) console.log(`not planted: ${extras.slice(0, 10).join(" | ")}`);
  expect(tp + fn).toBeGreaterThan(500);
  for (const k of kinds) expect(perKind[k].planted, k).toBeGreaterThan(30);
  expect(precision).toBeGreaterThanOrEqual(PRECISION_FLOOR);
  expect(recall).toBeGreaterThanOrEqual(RECALL_FLOOR);
});
