// National identifiers against published vectors: python-stdnum's documented examples (stdnum/es/dni.py, es/nie.py, fr/nir.py,
// it/codicefiscale.py and tests/test_it_codicefiscale.doctest, nl/bsn.py, in_/aadhaar.py, ca/sin.py, de/idnr.py and
// tests/test_de_idnr.doctest, tests/test_verhoeff.doctest), Wikipedia's Verhoeff worked example, and each one changed.
import { describe, expect, it } from "vitest";
import { aadhaarValid, bsnValid, codiceFiscaleValid, dniValid, luhnValid, nirValid, sinValid, steuerIdValid, verhoeffValid } from "@/lib/screening/national-ids";
import { detectPii, redactPii } from "@/lib/screening/pii";

const cases: Array<[string, (s: string) => boolean, string[], string[]]> = [
  // [name, validator, valid, invalid]
  ["Spain DNI/NIE (mod 23 letter)", dniValid, ["54362315-K", "12345678Z", "x-2482300w", "X1234567L", "Y1234567X", "Z1234567R"], ["54362315Z", "12345678A", "x-2482300a", "W1234567L", "1234567Z"]],
  ["France NIR (mod 97 key; Corsica 2A/2B)", nirValid, ["2 95 10 99 126 111 93", "253072B07300470", "253072A07300443", "1 84 12 76 451 089 46"], ["295109912611199", "253072C07300443", "2 95 10 99 126 111 94", "595109912611193"]],
  [
    "Italy codice fiscale (check character; omocodia letters)",
    codiceFiscaleValid,
    ["MRTNTN23M02D969P", "RCCMNL83S18D969H", "MRSMSR81D60Z611H", "CNTCHR83T41D969D", "FOXDRA26C24H872Y", "MAILCU91A25F839D", "RSSMRA45C12F205C", "RSSMRA45C12F20RX", "RSSMRA45C12F2L5N", "RSSMRA45C12F2LRI", "RSSMRAQRCMNFNLRG"],
    ["FOXDRA26C24H872A", "RCCMNL83S18D969I", "CSTNGL22I10D086I", "RCCMNL83S18D969"],
  ],
  ["Netherlands BSN (11-test)", bsnValid, ["1112.22.333", "111222333", "123456782"], ["1112.52.333", "111222334", "000000000", "1112223334"]],
  ["India Aadhaar (Verhoeff)", aadhaarValid, ["234123412346", "2341 2341 2346"], ["234123412347", "222222222222", "123412341234", "643343121"]],
  ["Canada SIN (Luhn; never 0 or 8 first)", sinValid, ["123-456-782", "123 456 782"], ["999-999-999", "823456785", "123-456-783", "046 454 286"]],
  [
    "Germany Steuer-ID (ISO 7064 MOD 11,10; one digit repeated)",
    steuerIdValid,
    ["36 574 261 809", "11234567890", "11123456786"],
    ["36574261890", "36554266806", "11112345678", "11223456785", "12345678903", "01234567896", "116574261809"],
  ],
];

describe.each(cases)("%s", (_name, valid, good, bad) => {
  it.each(good)("accepts %s", (s) => expect(valid(s)).toBe(true));
  it.each(bad)("refuses %s", (s) => expect(valid(s)).toBe(false));
});

describe("check-digit schemes", () => {
  it("Verhoeff: python-stdnum's vectors and Wikipedia's worked example 236 → 2363", () => {
    expect(["1428570", "6548", "2363"].map(verhoeffValid)).toEqual([true, true, true]);
    expect(["654", "2364", "398438246238642378648236487236482734"].map(verhoeffValid)).toEqual([false, false, false]);
    // exactly one check digit completes a number
    expect(Array.from({ length: 10 }, (_, d) => `236${d}`).filter(verhoeffValid)).toEqual(["2363"]);
  });
  it("Luhn: Canada's sample SIN 046 454 286 passes Luhn though no SIN starts with 0", () => {
    expect(luhnValid("046454286")).toBe(true);
    expect(sinValid("046 454 286")).toBe(false);
  });
});

describe("found in text", () => {
  const found = (t: string) => detectPii(t).map((h) => [h.kind, h.text]);

  it("finds the lettered and keyed identifiers anywhere", () => {
    expect(found("Mi DNI es 54362315-K y el NIE de Ana X-2482300W.")).toEqual([
      ["dni", "54362315-K"],
      ["dni", "X-2482300W"],
    ]);
    expect(found("NIR : 2 95 10 99 126 111 93, code fiscale RCCMNL83S18D969H.")).toEqual([
      ["nir", "2 95 10 99 126 111 93"],
      ["codice_fiscale", "RCCMNL83S18D969H"],
    ]);
  });

  it("finds plain-digit identifiers only after their name, and not with a wrong check digit", () => {
    expect(found("BSN 1112.22.333; SIN: 123-456-782; Aadhaar no. 2341 2341 2346; Steuer-ID 36 574 261 809.")).toEqual([
      ["bsn", "1112.22.333"],
      ["sin", "123-456-782"],
      ["aadhaar", "2341 2341 2346"],
      ["steuer_id", "36 574 261 809"],
    ]);
    // the same numbers without their names are order numbers as far as the detector knows
    expect(found("Orders 1112.22.333, 123-456-782, 2341 2341 2346 and 36 574 261 809 shipped.")).toEqual([]);
    // named, but the check digit is wrong
    expect(found("BSN 111222334, SIN 123-456-783, Aadhaar 234123412347, Steuer-ID 36574261890, DNI 54362315Z")).toEqual([]);
    // "sin" the word is not the acronym; a lower-case 16-letter code is not a codice fiscale
    expect(found("the sin of 123456782 radians; rccmnl83s18d969h")).toEqual([]);
  });

  it("redacts each kind with its placeholder", () => {
    const t = "DNI 12345678Z, BSN 111222333.";
    expect(redactPii(t, detectPii(t))).toBe("DNI [DNI], BSN [BSN].");
  });
});
