// The ranker's pure order logic: groups and tie marks, moves that break only the ties they must, restoring drafts.
import { describe, expect, it } from "vitest";
import { fromGroups, moveTo, ranksOf, restorePlacement, sameOrder, toGroups, toggleTie, type Placement } from "@/lib/rankings/order";

const P = (items: string[], tied: string[] = []): Placement => ({ items, tied: new Set(tied) });

describe("rankings/order", () => {
  it("reads tie marks as groups, best first, and back", () => {
    expect(toGroups(P(["a", "b", "c", "d"], ["b", "d"]))).toEqual([["a", "b"], ["c", "d"]]);
    // A mark on the first item ties it with nothing.
    expect(toGroups(P(["a", "b"], ["a"]))).toEqual([["a"], ["b"]]);
    expect(toGroups(P(["a", "b", "c"], ["b", "c"]))).toEqual([["a", "b", "c"]]);
    const groups = [["x"], ["y", "z", "w"], ["v"]];
    expect(toGroups(fromGroups(groups))).toEqual(groups);
    expect(ranksOf(groups)).toEqual(new Map([["x", 1], ["y", 2], ["z", 2], ["w", 2], ["v", 3]]));
  });

  it("a move puts the item where asked and breaks only the ties whose neighbour above changed", () => {
    // a | b=c | d=e  → move c (index 2) to the top: c | a | b | d=e (c left b's group; d=e stay tied).
    const start = P(["a", "b", "c", "d", "e"], ["c", "e"]);
    expect(toGroups(moveTo(start, 2, 0))).toEqual([["c"], ["a"], ["b"], ["d", "e"]]);
    // Move b (index 1, the head of b=c) down to the end: its follower c loses the tie with b, which went away.
    expect(toGroups(moveTo(start, 1, 4))).toEqual([["a"], ["c"], ["d", "e"], ["b"]]);
    // Move d (head of d=e) up one: d jumps in between b=c, so c (now under d) is no longer tied with b, and e
    // (whose neighbour above was d) is untied too.
    expect(toGroups(moveTo(start, 3, 2))).toEqual([["a"], ["b"], ["d"], ["c"], ["e"]]);
    // Moving into the middle of a group does not join it: a goes between d and e, e stays on its own.
    expect(toGroups(moveTo(start, 0, 3))).toEqual([["b", "c"], ["d"], ["a"], ["e"]]);
  });

  it("ignores moves that go nowhere or out of range", () => {
    const start = P(["a", "b", "c"], ["b"]);
    expect(moveTo(start, 1, 1)).toBe(start);
    expect(moveTo(start, 0, 3)).toBe(start);
    expect(moveTo(start, -1, 0)).toBe(start);
  });

  it("toggles a tie with the item above, never on the first", () => {
    const start = P(["a", "b", "c"]);
    const tied = toggleTie(start, 2);
    expect(toGroups(tied)).toEqual([["a"], ["b", "c"]]);
    expect(toGroups(toggleTie(tied, 2))).toEqual([["a"], ["b"], ["c"]]);
    expect(toggleTie(start, 0)).toBe(start);
  });

  it("restores a saved order over what is shown now", () => {
    expect(toGroups(restorePlacement(["a", "b", "c"], null))).toEqual([["a"], ["b"], ["c"]]);
    expect(toGroups(restorePlacement(["a", "b", "c", "d"], [["c", "a"], ["d"], ["b"]]))).toEqual([["c", "a"], ["d"], ["b"]]);
    // An id no longer shown is dropped (its group survives with the rest); a shown one missing comes last; repeats count once.
    expect(toGroups(restorePlacement(["a", "b", "c"], [["x", "b"], ["x"], ["a", "b"]]))).toEqual([["b"], ["a"], ["c"]]);
  });

  it("compares orders with tie groups as sets", () => {
    expect(sameOrder([["a", "b"], ["c"]], [["b", "a"], ["c"]])).toBe(true);
    expect(sameOrder([["a"], ["b"], ["c"]], [["a", "b"], ["c"]])).toBe(false);
    expect(sameOrder([["a"], ["b"]], [["b"], ["a"]])).toBe(false);
  });
});
