// The leaderboard card: style-controlled rating and rank move beside the raw columns, for the board the lib computes.
import { describe, expect, it } from "vitest";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { NextIntlClientProvider } from "next-intl";
import { LeaderboardCard } from "@/app/(training)/models/[slug]/leaderboard";
import en from "@/messages/en.json";
import { computeLeaderboard } from "@/lib/leaderboard/leaderboard";
import { createRng } from "@/trainer/rng";
import { fitStyleControlled, styleCovariates, styleRows, type StyledOutcome } from "@/lib/leaderboard/style-control";

/** The card under the English catalog, as the app renders it inside its NextIntlClientProvider. */
const inEnglish = (children: ReturnType<typeof createElement>) => createElement(NextIntlClientProvider, { locale: "en", messages: en, timeZone: "UTC", children });

describe("LeaderboardCard", () => {
  it("shows each model's style-controlled rating and its move, and hides the columns without a style fit", () => {
    // Four models; "verbose" usually writes the longer answer and the judge usually picks the longer one.
    const st = (length: number) => ({ length, headers: 0, lists: 0, bold: 0 });
    const rng = createRng(5);
    const models = ["verbose", "terse", "plain", "short"];
    const outcomes: StyledOutcome[] = [];
    for (let k = 0; k < 600; k++) {
      const [a, b] = [models[k % 4], models[(k + 1 + (k >> 2) % 3) % 4]];
      const la = a === "verbose" && rng() < 0.8 ? 1500 : 300 + 400 * rng();
      const lb = b === "verbose" && rng() < 0.8 ? 1500 : 300 + 400 * rng();
      outcomes.push({ a, b, winner: (la > lb) === rng() < 0.75 ? "a" : "b", styleA: st(la), styleB: st(lb) });
    }
    const board = computeLeaderboard(outcomes, { baseline: "plain", rounds: 5 });
    const fit = fitStyleControlled(outcomes);
    const rows = styleRows(new Map(board.models.map((m) => [m.model, m.rating])), fit.ratings);
    const html = renderToStaticMarkup(inEnglish(createElement(LeaderboardCard, { board: { ...board, outcomes: outcomes.length, style: { covariates: styleCovariates, coefficients: fit.coefficients, rows } } })));
    expect(html).toContain("style-controlled");
    const cells = [...html.matchAll(/data-testid="style-shift">([^<]*)</g)].map((m) => m[1]);
    expect(cells).toHaveLength(4);
    // The card's moves are the lib's: rank − style rank, as ▲n / ▼n / –, in the table's (raw rating) order.
    const label = (s: number) => (s > 0 ? `▲${s}` : s < 0 ? `▼${-s}` : "–");
    expect(cells).toEqual(board.models.map((m) => label(rows.find((r) => r.model === m.model)!.rankShift)));
    expect(rows.find((r) => r.model === "verbose")!.styleRating).toBeLessThan(board.models.find((m) => m.model === "verbose")!.rating);

    const plain = renderToStaticMarkup(inEnglish(createElement(LeaderboardCard, { board: { ...board, outcomes: outcomes.length, style: null } })));
    expect(plain).not.toContain("style-shift");
  });
});
