// National identifiers with published check digits: Spain DNI/NIE (mod 23 letter), France NIR (mod 97 key), Italy codice
// fiscale (check character), Netherlands BSN (11-test), India Aadhaar (Verhoeff), Canada SIN (Luhn), Germany Steuer-ID
// (ISO 7064 MOD 11,10). References: each issuer's rule as python-stdnum implements it (stdnum/es/dni.py, fr/nir.py, …).

/** Luhn (ISO/IEC 7812-1 annex B) over a string of digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

const DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

/** Spain: DNI (8 digits and a letter) or NIE (X, Y or Z for 0, 1, 2, then 7 digits and a letter); the letter is DNI_LETTERS[number mod 23]. */
export function dniValid(raw: string): boolean {
  const s = raw.replace(/[\s-]/g, "").toUpperCase();
  const m = /^([XYZ]\d{7}|\d{8})([A-Z])$/.exec(s);
  if (!m) return false;
  const n = Number(m[1].replace(/^[XYZ]/, (c) => String("XYZ".indexOf(c))));
  return DNI_LETTERS[n % 23] === m[2];
}

/** France NIR (INSEE): sex, year, month, department (2A/2B read as 19/18 for the key), commune, order, then key = 97 − (first 13 mod 97). */
export function nirValid(raw: string): boolean {
  const s = raw.replace(/[\s.]/g, "").toUpperCase();
  if (!/^[1-478]\d{4}(?:\d{2}|2[AB])\d{8}$/.test(s)) return false;
  const body = s.slice(0, 5) + (s.slice(5, 7) === "2A" ? "19" : s.slice(5, 7) === "2B" ? "18" : s.slice(5, 7)) + s.slice(7, 13);
  return 97 - Number(BigInt(body) % 97n) === Number(s.slice(13));
}

// Codice fiscale (DM 23/12/1976): values of the characters in odd positions (1st, 3rd, …); even positions count 0-9 / A=0 … Z=25.
const CF_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const CF_ODD_VALUES = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
/** Digits may be written as letters when two people would share a code (omocodia): 0-9 → L M N P Q R S T U V. */
const CF_SHAPE = /^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/;

/** Italy: surname and name letters, birth year, month letter, day (+40 for women), place code, then the check character (sum mod 26). */
export function codiceFiscaleValid(raw: string): boolean {
  const s = raw.toUpperCase();
  if (!CF_SHAPE.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = s[i];
    sum += i % 2 === 0 ? CF_ODD_VALUES[CF_CHARS.indexOf(c)] : c <= "9" ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 65;
  }
  return String.fromCharCode(65 + (sum % 26)) === s[15];
}

/** Netherlands BSN: 9 digits (8 with a leading zero dropped) with 9·d1 + 8·d2 + … + 2·d8 − d9 ≡ 0 (mod 11), not all zero. */
export function bsnValid(raw: string): boolean {
  const s = raw.replace(/[\s.-]/g, "").padStart(9, "0");
  if (!/^\d{9}$/.test(s) || /^0+$/.test(s)) return false;
  let sum = -Number(s[8]);
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(s[i]);
  return sum % 11 === 0;
}

// Verhoeff's dihedral-group tables (J. Verhoeff 1969): multiplication d, permutation p.
const VD = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1], [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VP = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1], [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/** Verhoeff check over a digit string that ends with its check digit. */
export function verhoeffValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let c = 0;
  for (let i = 0; i < digits.length; i++) c = VD[c][VP[i % 8][digits.charCodeAt(digits.length - 1 - i) - 48]];
  return c === 0;
}

/** India Aadhaar (UIDAI): 12 digits, the first 2-9, not a palindrome, Verhoeff check digit last. */
export function aadhaarValid(raw: string): boolean {
  const s = raw.replace(/[\s-]/g, "");
  return /^[2-9]\d{11}$/.test(s) && s !== [...s].reverse().join("") && verhoeffValid(s);
}

/** Canada SIN: 9 digits, Luhn, first digit not 0 or 8 (never issued). */
export function sinValid(raw: string): boolean {
  const s = raw.replace(/[\s-]/g, "");
  return /^[1-79]\d{8}$/.test(s) && luhnValid(s);
}

/** Germany Steuer-ID (IdNr): 11 digits, no leading 0, one digit twice or three times in the first 10 and the rest once, ISO 7064 MOD 11,10 check. */
export function steuerIdValid(raw: string): boolean {
  const s = raw.replace(/[\s./-]/g, "");
  if (!/^[1-9]\d{10}$/.test(s)) return false;
  const counts = new Map<string, number>();
  for (const c of s.slice(0, 10)) counts.set(c, (counts.get(c) ?? 0) + 1);
  const repeated = [...counts.values()].filter((n) => n > 1);
  if (repeated.length !== 1 || repeated[0] > 3) return false;
  let product = 10;
  for (let i = 0; i < 10; i++) {
    let sum = (Number(s[i]) + product) % 10;
    if (sum === 0) sum = 10;
    product = (2 * sum) % 11;
  }
  return (11 - product) % 10 === Number(s[10]);
}

export type NationalIdKind = "dni" | "nir" | "codice_fiscale" | "bsn" | "aadhaar" | "sin" | "steuer_id";

/**
 * How each is written and found. Those with letters in them (DNI/NIE, codice fiscale) or a 15-digit shape with a 2-digit key
 * (NIR) are found anywhere. Runs of 9-12 plain digits are common in text (order numbers, phone numbers, counts) and a
 * check digit passes 1 in 10 or 11 of them, so BSN, SIN, Aadhaar and Steuer-ID count only after their name (`context`)
 * within 40 characters before them on the same line.
 */
export const NATIONAL_IDS: Array<{ kind: NationalIdKind; re: RegExp; valid: (s: string) => boolean; context?: RegExp }> = [
  { kind: "dni", re: /(?<![A-Za-z0-9-])(?:\d{8}|[XYZxyz]-?\d{7})[ -]?[A-Za-z](?![A-Za-z0-9])/g, valid: dniValid },
  { kind: "nir", re: /(?<![A-Za-z0-9])[1-478] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}(?![A-Za-z0-9])/g, valid: nirValid },
  // upper case only, as it is printed on the card: lower-case words of this shape are far likelier to be prose
  { kind: "codice_fiscale", re: /(?<![A-Za-z0-9])[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z](?![A-Za-z0-9])/g, valid: codiceFiscaleValid },
  { kind: "bsn", re: /(?<![\d.-])(?:\d{4}\.\d{2}\.\d{3}|\d{3}[ .-]?\d{3}[ .-]?\d{3})(?![\d]|[.-]\d)/g, valid: bsnValid, context: /\b(?:BSN|burgerservicenummer|sofi-?nummer|citizen service number)\b/i },
  { kind: "sin", re: /(?<![\d-])\d{3}([ -]?)\d{3}\1\d{3}(?![\d]|-\d)/g, valid: sinValid, context: /\b(?:SIN|NAS|social insurance (?:number|no\.?)|num[ée]ro d'assurance sociale)(?![A-Za-z])/ },
  { kind: "aadhaar", re: /(?<![\d-])\d{4}([ -]?)\d{4}\1\d{4}(?![\d]|-\d)/g, valid: aadhaarValid, context: /\b(?:aadhaa?r|UIDAI|UID)\b/i },
  { kind: "steuer_id", re: /(?<![\d./-])(?:\d{2} ?\d{3} ?\d{3} ?\d{3}|\d{2}\/\d{3}\/\d{3}\/\d{3})(?![\d]|[./-]\d)/g, valid: steuerIdValid, context: /(?:\bsteuer-?id(?:nr)?|steuer-?identifikationsnummer|steuerliche identifikationsnummer|\bIdNr\b|\btax id\b)/i },
];

/** Whether the name of the identifier stands within 40 characters before `start`, on the same line. */
export function hasContext(text: string, start: number, context: RegExp): boolean {
  const before = text.slice(Math.max(0, start - 40), start);
  return context.test(before.slice(before.lastIndexOf("\n") + 1));
}
