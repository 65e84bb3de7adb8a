// PII detectors against published vectors: Luhn (ISO/IEC 7812 worked example, card networks' test numbers), IBAN (ISO 13616 / ECBS examples), SSA and HMRC rules.
import { describe, expect, it } from "vitest";
import { cardValid, detectPii, ibanValid, luhnValid, ninoValid, redactPii, ssnValid } from "@/lib/screening/pii";

describe("Luhn and card numbers", () => {
  it("accepts the ISO/IEC 7812 worked example and only its one check digit", () => {
    // 7992739871x: the check digit is 3 (Wikipedia "Luhn algorithm", from ISO/IEC 7812-1 annex B)
    const valid = Array.from({ length: 10 }, (_, d) => `7992739871${d}`).filter(luhnValid);
    expect(valid).toEqual(["79927398713"]);
  });

  // The networks' published test numbers (Stripe / PayPal sandbox lists)
  const testCards = ["4111111111111111", "4012888888881881", "4222222222222", "5555555555554444", "5105105105105100", "2223003122003222", "378282246310005", "371449635398431", "6011111111111117", "6011000990139424", "3530111333300000", "3566002020360505", "30569309025904", "38520000023237", "6200000000000005"];
  it.each(testCards)("accepts test card %s", (n) => expect(cardValid(n)).toBe(true));

  it("refuses a changed digit, a bad issuer prefix, the wrong length", () => {
    expect(cardValid("4111111111111112")).toBe(false);
    expect(cardValid("1234567812345670")).toBe(false); // Luhn-valid, no network starts with 1
    expect(luhnValid("1234567812345670")).toBe(true);
    expect(cardValid("37828224631000")).toBe(false);
  });

  it("finds cards written with spaces or hyphens, not inside a longer number", () => {
    const t = "Pay with 4111 1111 1111 1111 or 5555-5555-5555-4444; order 41111111111111119999 is an id.";
    expect(detectPii(t).map((h) => [h.kind, h.text])).toEqual([
      ["card", "4111 1111 1111 1111"],
      ["card", "5555-5555-5555-4444"],
    ]);
  });
});

describe("IBAN", () => {
  // ISO 13616-1 annex / ECBS "IBAN: standard implementation guidelines" examples
  const examples = ["GB82WEST12345698765432", "GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "FR1420041010050500013M02606", "NL91ABNA0417164300", "BE68539007547034", "CH9300762011623852957", "IT60X0542811101000000123456", "ES9121000418450200051332", "NO9386011117947", "MT84MALT011000012345MTLCAST001S", "SA0380000000608010167519"];
  it.each(examples)("accepts %s", (s) => expect(ibanValid(s)).toBe(true));

  it("refuses a changed check digit, swapped characters, a wrong length, an unknown country", () => {
    expect(ibanValid("GB83WEST12345698765432")).toBe(false);
    expect(ibanValid("GB82WEST12345698765423")).toBe(false);
    expect(ibanValid("GB82WEST1234569876543")).toBe(false);
    expect(ibanValid("XX82WEST12345698765432")).toBe(false);
  });

  it("finds an IBAN in a sentence, grouped or not, without the word after it", () => {
    const t = "Send it to GB82 WEST 1234 5698 7654 32 IS what he said, or DE89370400440532013000.";
    expect(detectPii(t).map((h) => [h.kind, h.text])).toEqual([
      ["iban", "GB82 WEST 1234 5698 7654 32"],
      ["iban", "DE89370400440532013000"],
    ]);
  });
});

describe("national identifiers", () => {
  it("US SSN: the SSA's invalid areas, groups and serials, and the voided advertising numbers", () => {
    expect(ssnValid("536", "22", "1234")).toBe(true);
    for (const [a, g, s] of [["000", "12", "3456"], ["666", "12", "3456"], ["900", "12", "3456"], ["999", "12", "3456"], ["123", "00", "4567"], ["123", "45", "0000"], ["078", "05", "1120"], ["219", "09", "9999"]]) {
      expect(ssnValid(a, g, s), `${a}-${g}-${s}`).toBe(false);
    }
    expect(detectPii("SSN 536-22-1234, not 666-22-1234 nor 536-22-12345").map((h) => h.text)).toEqual(["536-22-1234"]);
  });

  it("UK NINO: HMRC's prefix and suffix rules (QQ 12 34 56 C is HMRC's example because it is invalid)", () => {
    expect(ninoValid("AB123456C")).toBe(true);
    expect(ninoValid("JG 10 37 35 D")).toBe(true);
    for (const s of ["QQ123456C", "DA123456A", "AO123456A", "BG123456A", "GB123456A", "TN123456A", "ZZ123456A", "AB123456E"]) expect(ninoValid(s), s).toBe(false);
    expect(detectPii("NI number: AB 12 34 56 C.").map((h) => [h.kind, h.text])).toEqual([["nino", "AB 12 34 56 C"]]);
  });
});

describe("detectPii", () => {
  it("finds e-mail, phone and IP addresses with UTF-16 offsets", () => {
    const t = "😀 Mail jane.doe+tag@example.co.uk, call (415) 555-2671 or +44 20 7946 0958; server 192.168.10.254 / 2001:db8::8a2e:370:7334.";
    const hits = detectPii(t);
    expect(hits.map((h) => [h.kind, h.text])).toEqual([
      ["email", "jane.doe+tag@example.co.uk"],
      ["phone", "(415) 555-2671"],
      ["phone", "+44 20 7946 0958"],
      ["ip", "192.168.10.254"],
      ["ip", "2001:db8::8a2e:370:7334"],
    ]);
    for (const h of hits) expect(t.slice(h.start, h.end)).toBe(h.text);
    expect(hits[0].start).toBe(8); // the emoji is two UTF-16 code units
  });

  it("leaves ordinary numbers, versions, times and dates alone", () => {
    const t = "Version 1.2.3.4.5 shipped at 12:30:45 on 2024-01-15; 300.1.1.1 is no address; MAC 00:1A:2B:3C:4D:5E; 1,234,567 people; page 42.";
    expect(detectPii(t)).toEqual([]);
  });

  it("redacts each hit with its kind's placeholder", () => {
    const t = "Write to bob@example.com or 4111111111111111 today.";
    expect(redactPii(t, detectPii(t))).toBe("Write to [EMAIL] or [CARD] today.");
  });
});

describe("false positives seen in the shared data", () => {
  it("leaves fractions, decimals, list numbers and C++ scopes alone, keeps dotted phone numbers", () => {
    const t = "Ratio 8000/59000, longitude 121.8244116, item 7.  123456789, std::cout and d::c; call 415.555.2671.";
    expect(detectPii(t).map((h) => [h.kind, h.text])).toEqual([["phone", "415.555.2671"]]);
  });
});
