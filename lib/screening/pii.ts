// PII detectors: e-mail, phone (libphonenumber-js), payment card (IIN + Luhn), IBAN (ISO 13616 mod-97), IPv4/IPv6, US SSN, UK NINO,
// and national identifiers with check digits (./national-ids.ts: ES DNI/NIE, FR NIR, IT codice fiscale, NL BSN, IN Aadhaar, CA SIN, DE Steuer-ID).
import { isIPv4, isIPv6 } from "node:net";
import { findPhoneNumbersInText, type CountryCode } from "libphonenumber-js/max";
import { hasContext, luhnValid, NATIONAL_IDS } from "./national-ids";

export { luhnValid };

export const PII_KINDS = ["email", "phone", "card", "iban", "ip", "ssn", "nino", "dni", "nir", "codice_fiscale", "bsn", "aadhaar", "sin", "steuer_id"] as const;
export type PiiKind = (typeof PII_KINDS)[number];
/** One hit: offsets are UTF-16 code units (JavaScript string indices), `end` exclusive, `text` = s.slice(start, end). */
export type PiiHit = { kind: PiiKind; start: number; end: number; text: string };

/** What a redacted export writes in place of each kind. */
export const REDACTION: Record<PiiKind, string> = {
  email: "[EMAIL]",
  phone: "[PHONE]",
  card: "[CARD]",
  iban: "[IBAN]",
  ip: "[IP]",
  ssn: "[SSN]",
  nino: "[NINO]",
  dni: "[DNI]",
  nir: "[NIR]",
  codice_fiscale: "[CODICE_FISCALE]",
  bsn: "[BSN]",
  aadhaar: "[AADHAAR]",
  sin: "[SIN]",
  steuer_id: "[STEUER_ID]",
};

/** National numbers without a "+" are read as these regions'; "+44 …" and "+1 …" are found whatever the region. */
export const DEFAULT_PHONE_REGIONS: CountryCode[] = ["US", "GB"];

/**
 * When two hits overlap the earlier kind in this list wins (a card number is also a run of digits a phone parser may take).
 * Aadhaar comes before cards: it counts only after its name, and a 12-digit Maestro number can pass both checks.
 */
const PRIORITY: PiiKind[] = ["email", "iban", "aadhaar", "card", "ssn", "nino", "codice_fiscale", "dni", "nir", "steuer_id", "sin", "bsn", "ip", "phone"];

/** Issuer prefixes (IIN ranges) and lengths of the card networks people paste: Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro. */
function cardNetwork(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2)), p3 = Number(d.slice(0, 3)), p4 = Number(d.slice(0, 4)), p6 = Number(d.slice(0, 6));
  if (d[0] === "4") return n === 13 || n === 16 || n === 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16; // Mastercard
  if (p2 === 34 || p2 === 37) return n === 15; // American Express
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) return n >= 16 && n <= 19; // Discover
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19; // JCB
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39 || p4 === 3095) return n >= 14 && n <= 19; // Diners Club
  if (p2 === 62) return n >= 16 && n <= 19; // UnionPay
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return n >= 12 && n <= 19; // Maestro
  return false;
}

export function cardValid(digits: string): boolean {
  return digits.length >= 12 && digits.length <= 19 && cardNetwork(digits) && luhnValid(digits);
}

/** IBAN length per country (SWIFT IBAN registry, release 98). */
export const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22,
  DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21,
  HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27,
  MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24,
  RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22,
  VG: 24, XK: 20, YE: 30,
};

/** ISO 13616: the right length for its country, and the number (country and check digits moved to the end, letters A=10 … Z=35) mod 97 is 1. */
export function ibanValid(raw: string): boolean {
  const s = raw.replace(/\s+/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s) || IBAN_LENGTHS[s.slice(0, 2)] !== s.length) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const v = ch >= "A" ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    rem = (v > 9 ? rem * 100 + v : rem * 10 + v) % 97;
  }
  return rem === 1;
}

/** US Social Security number: area not 000, 666 or 900–999, group not 00, serial not 0000, and not the two numbers the SSA voided after they were printed in advertising. */
export function ssnValid(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  if (a === 0 || a === 666 || a >= 900 || group === "00" || serial === "0000") return false;
  const whole = `${area}${group}${serial}`;
  return whole !== "078051120" && whole !== "219099999";
}

/** UK National Insurance number (HMRC NIM39110): first letter not D F I Q U V, second not D F I O Q U V, prefix not BG GB KN NK NT TN ZZ, six digits, suffix A–D. */
export function ninoValid(raw: string): boolean {
  const s = raw.replace(/\s+/g, "").toUpperCase();
  const m = /^([A-CEGHJ-PR-TW-Z])([A-CEGHJ-NPR-TW-Z])\d{6}[A-D]$/.exec(s);
  return !!m && !["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].includes(m[1] + m[2]);
}

const EMAIL = /(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g;
// 12–19 digits in groups separated by single spaces or hyphens, not inside a longer number
const CARD = /(?<![\d-])\d(?:[ -]?\d){11,18}(?![\d]|-\d)/g;
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g;
const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d]|\.\d)/g;
const IPV6 = /(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|(?:\d{1,3}\.){3}\d{1,3})(?![0-9A-Fa-f:])/g;
const SSN = /(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])/g;
const NINO = /(?<![A-Za-z0-9])[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d](?![A-Za-z0-9])/g;

function scan(text: string, re: RegExp, kind: PiiKind, ok: (m: RegExpExecArray) => boolean, out: PiiHit[]) {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) if (ok(m)) out.push({ kind, start: m.index, end: m.index + m[0].length, text: m[0] });
}

/** Like scan, but a candidate that fails may still hold a hit that ends at an earlier group break ("GB82 WEST … 32 IS" holds the IBAN). */
function scanTrimmed(text: string, re: RegExp, kind: PiiKind, ok: (candidate: string) => boolean, out: PiiHit[]) {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const c = m[0];
    for (let end = c.length; end > 0; end--) {
      if (end < c.length && !/[ -]/.test(c[end])) continue;
      if (ok(c.slice(0, end))) {
        out.push({ kind, start: m.index, end: m.index + end, text: c.slice(0, end) });
        break;
      }
    }
  }
}

/**
 * libphonenumber-js accepts any digit run that is a valid number somewhere; in prose that takes fractions ("8000/59000"),
 * decimals ("121.8244116") and list numbers ("7.  123456789"). A phone is written with no slash, no doubled space, and dots
 * only as separators between groups of 2-4 digits ("415.555.2671").
 */
function phoneShaped(t: string): boolean {
  if (t.includes("/") || /\s{2}/.test(t)) return false;
  return !t.includes(".") || /^\+?\d{1,3}(?:\.\d{2,4}){2,4}$/.test(t.replace(/^\(?(\d{3})\)?/, "$1"));
}

export type DetectOptions = { phoneRegions?: CountryCode[] };

/** Every PII hit in `text`, in order; overlapping hits keep the higher-priority kind (or the longer, for the same kind). */
export function detectPii(text: string, opts: DetectOptions = {}): PiiHit[] {
  const found: PiiHit[] = [];
  scan(text, EMAIL, "email", () => true, found);
  scanTrimmed(text, CARD, "card", (c) => cardValid(c.replace(/[ -]/g, "")), found);
  scanTrimmed(text, IBAN, "iban", ibanValid, found);
  scan(text, IPV4, "ip", (m) => isIPv4(m[0]), found);
  // at least three groups and a digit: "std::cout"-like "d::c" in code is not an address
  scan(text, IPV6, "ip", (m) => isIPv6(m[0]) && (m[0].match(/[0-9A-Fa-f]+/g)?.length ?? 0) >= 3 && /\d/.test(m[0]), found);
  scan(text, SSN, "ssn", (m) => ssnValid(m[1], m[3], m[4]), found);
  scan(text, NINO, "nino", (m) => ninoValid(m[0]), found);
  for (const id of NATIONAL_IDS) scan(text, id.re, id.kind, (m) => (!id.context || hasContext(text, m.index, id.context)) && id.valid(m[0]), found);
  for (const region of opts.phoneRegions ?? DEFAULT_PHONE_REGIONS) {
    for (const p of findPhoneNumbersInText(text, region)) {
      const t = text.slice(p.startsAt, p.endsAt);
      if (phoneShaped(t)) found.push({ kind: "phone", start: p.startsAt, end: p.endsAt, text: t });
    }
  }
  const rank = (h: PiiHit) => PRIORITY.indexOf(h.kind);
  found.sort((a, b) => rank(a) - rank(b) || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: PiiHit[] = [];
  for (const h of found) if (!kept.some((k) => h.start < k.end && k.start < h.end)) kept.push(h);
  return kept.sort((a, b) => a.start - b.start);
}

/** `text` with each hit replaced by its kind's placeholder (hits as detectPii returns them: in order, not overlapping). */
export function redactPii(text: string, hits: readonly PiiHit[]): string {
  let out = "";
  let at = 0;
  for (const h of [...hits].sort((a, b) => a.start - b.start)) {
    if (h.start < at) continue;
    out += text.slice(at, h.start) + REDACTION[h.kind];
    at = h.end;
  }
  return out + text.slice(at);
}
