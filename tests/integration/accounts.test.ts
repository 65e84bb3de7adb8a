// Accounts on a real database: first-run setup, invites, roles, disabling, sign-in throttling, tokens, audit.
import { afterEach, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { getDb } from "@/db/client";
import { auditLog, invites, users } from "@/db/schema";
import {
  acceptInvite,
  changeRole,
  createFirstAdmin,
  getInviteState,
  inviteUser,
  loadActiveActor,
  listAccounts,
  needsSetup,
  revokeInvite,
  setUserDisabled,
} from "@/lib/auth/accounts";
import { signInWithPassword, throttlePolicy } from "@/lib/auth/sign-in";
import { actorFromApiToken, createApiToken, revokeApiToken } from "@/lib/auth/tokens";
import { AppError } from "@/lib/errors";
import * as userQueries from "@/db/queries/users";
import type { Actor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { inviteUserInput, revokeInviteInput, changeRoleInput, setUserDisabledInput, createApiTokenInput, setupAdminInput, acceptInviteInput } from "@/lib/validation/users";

/** Parsed at the boundary first, as the action, route and CLI do. */
const inviteUserVia = (actor: Actor, raw: unknown) => withInput(inviteUserInput, raw, (input) => inviteUser(actor, input));
const revokeInviteVia = (actor: Actor, raw: unknown) => withInput(revokeInviteInput, raw, (input) => revokeInvite(actor, input));
const changeRoleVia = (actor: Actor, raw: unknown) => withInput(changeRoleInput, raw, (input) => changeRole(actor, input));
const setUserDisabledVia = (actor: Actor, raw: unknown) => withInput(setUserDisabledInput, raw, (input) => setUserDisabled(actor, input));
const createApiTokenVia = (actor: Actor, raw: unknown) => withInput(createApiTokenInput, raw, (input) => createApiToken(actor, input));
const createFirstAdminVia = (raw: unknown) => withInput(setupAdminInput, raw, (input) => createFirstAdmin(input));
const acceptInviteVia = (raw: unknown) => withInput(acceptInviteInput, raw, (input) => acceptInvite(input));

const password = "correct horse battery";

async function auditActions() {
  return (await getDb().select({ action: auditLog.action, data: auditLog.data }).from(auditLog)).map((r) => r.action);
}

describeEachDatabase("accounts", () => {
  it("creates the first admin once, then refuses setup for good", async () => {
    expect(await needsSetup()).toBe(true);
    const admin = await createFirstAdminVia({ email: "Boss@Example.test", name: "Boss", password });
    expect(admin).toMatchObject({ email: "boss@example.test", role: "admin" });
    expect(await needsSetup()).toBe(false);
    await expect(createFirstAdminVia({ email: "other@example.test", name: "Other", password })).rejects.toMatchObject({ kind: "not_found" });
    expect(await getDb().select().from(users)).toHaveLength(1);
  });

  it("concurrent setups create exactly one admin", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => createFirstAdminVia({ email: `a${i}@example.test`, name: `A${i}`, password })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await getDb().select().from(users)).toHaveLength(1);
  });

  it("rejects bad setup input naming the field, writing nothing", async () => {
    const err = await createFirstAdminVia({ email: "not-an-email", name: "", password: "short" }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(400);
    expect(Object.keys(err.fieldErrors).sort()).toEqual(["email", "name", "password"]);
    expect(await needsSetup()).toBe(true);
  });

  it("invites a person who sets a name and password once; the link then says it was used", async () => {
    const admin = await makeActor("admin");
    const invite = await inviteUserVia(admin, { email: "new@example.test", role: "reviewer" });
    expect(invite.path).toBe(`/invite/${invite.token}`);
    expect(await getInviteState(invite.token)).toEqual({ state: "valid", email: "new@example.test", role: "reviewer" });
    const stored = await getDb().select().from(invites);
    expect(stored[0].tokenHash).not.toContain(invite.token);

    const user = await acceptInviteVia({ token: invite.token, name: "New Person", password });
    expect(user).toMatchObject({ email: "new@example.test", role: "reviewer", name: "New Person" });
    expect(await getInviteState(invite.token)).toEqual({ state: "used" });
    await expect(acceptInviteVia({ token: invite.token, name: "Again", password })).rejects.toMatchObject({ kind: "conflict" });

    const signedIn = await signInWithPassword({ email: "NEW@example.test", password }, "10.0.0.1");
    expect(signedIn.ok).toBe(true);
    expect(await auditActions()).toEqual(expect.arrayContaining(["user.invite", "user.accept_invite", "auth.sign_in"]));
  });

  it("says when an invite link is unknown or expired", async () => {
    const admin = await makeActor("admin");
    expect(await getInviteState("x".repeat(32))).toEqual({ state: "unknown" });
    const invite = await inviteUserVia(admin, { email: "late@example.test", role: "annotator" });
    await getDb().update(invites).set({ expiresAt: new Date(Date.now() - 1000) });
    expect(await getInviteState(invite.token)).toEqual({ state: "expired" });
    await expect(acceptInviteVia({ token: invite.token, name: "Late", password })).rejects.toThrow(/expired/);
    expect(await getDb().select().from(users).where(eq(users.email, "late@example.test"))).toHaveLength(0);
  });

  it("a second invite to the same address replaces the first: the old link stops working, the new one makes the account", async () => {
    const admin = await makeActor("admin");
    const first = await inviteUserVia(admin, { email: "twice@example.test", role: "annotator" });
    expect(first.replaced).toBe(0);
    const second = await inviteUserVia(admin, { email: "TWICE@example.test", role: "reviewer" });
    expect(second.replaced).toBe(1);
    expect(await getInviteState(first.token)).toEqual({ state: "revoked" });
    expect(await getInviteState(second.token)).toEqual({ state: "valid", email: "twice@example.test", role: "reviewer" });
    await expect(acceptInviteVia({ token: first.token, name: "Old", password })).rejects.toThrow(/withdrawn/);
    expect(await getDb().select().from(users).where(eq(users.email, "twice@example.test"))).toHaveLength(0);

    const user = await acceptInviteVia({ token: second.token, name: "Twice", password });
    expect(user.role).toBe("reviewer");
    const open = (await listAccounts(admin)).invites.filter((i) => !i.acceptedAt && !i.revokedAt);
    expect(open).toEqual([]);
  });

  it("invites to one address at the same time leave exactly one open invite", async () => {
    const admin = await makeActor("admin");
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => inviteUserVia(admin, { email: "race@example.test", role: i % 2 ? "reviewer" : "annotator" })));
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
    const rows = await getDb().select().from(invites).where(eq(invites.email, "race@example.test"));
    expect(rows).toHaveLength(5);
    expect(rows.filter((r) => r.revokedAt === null)).toHaveLength(1);
    const valid = await Promise.all(results.map((r) => (r.status === "fulfilled" ? getInviteState(r.value.token) : Promise.resolve(null))));
    expect(valid.filter((v) => v?.state === "valid")).toHaveLength(1);
  });

  it("an admin revokes a pending invite: its link says so and cannot make an account; an accepted one cannot be revoked", async () => {
    const admin = await makeActor("admin");
    const reviewer = await makeActor("reviewer");
    const invite = await inviteUserVia(admin, { email: "gone@example.test", role: "annotator" });
    await expect(revokeInviteVia(reviewer, { inviteId: invite.inviteId })).rejects.toMatchObject({ kind: "forbidden" });
    expect(await getInviteState(invite.token)).toMatchObject({ state: "valid" });

    expect(await revokeInviteVia(admin, { inviteId: invite.inviteId })).toEqual({ inviteId: invite.inviteId });
    expect(await getInviteState(invite.token)).toEqual({ state: "revoked" });
    await expect(acceptInviteVia({ token: invite.token, name: "Gone", password })).rejects.toMatchObject({ kind: "bad_request" });
    expect(await getDb().select().from(users).where(eq(users.email, "gone@example.test"))).toHaveLength(0);
    expect(await auditActions()).toContain("user.invite_revoke");

    // Unknown and malformed ids name the field; nothing changes.
    await expect(revokeInviteVia(admin, { inviteId: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ kind: "not_found", fieldErrors: { inviteId: ["Unknown invite"] } });
    await expect(revokeInviteVia(admin, { inviteId: "not-a-uuid" })).rejects.toMatchObject({ kind: "bad_request", fieldErrors: { inviteId: ["Unknown invite"] } });

    const used = await inviteUserVia(admin, { email: "kept@example.test", role: "annotator" });
    await acceptInviteVia({ token: used.token, name: "Kept", password });
    await expect(revokeInviteVia(admin, { inviteId: used.inviteId })).rejects.toMatchObject({ kind: "conflict" });
    expect(await getInviteState(used.token)).toEqual({ state: "used" });
  });

  it("an admin changes a role: it takes effect on the next request and is audited with from and to", async () => {
    const admin = await makeActor("admin");
    const person = await makeActor("annotator");
    const changed = await changeRoleVia(admin, { userId: person.id, role: "reviewer" });
    expect(changed.role).toBe("reviewer");
    expect((await loadActiveActor(person.id, "session"))?.role).toBe("reviewer");
    const rows = await getDb().select().from(auditLog).where(eq(auditLog.action, "user.role_change"));
    expect(rows.map((r) => r.data)).toEqual([{ from: "annotator", to: "reviewer" }]);
    // Bad input names the field and changes nothing.
    await expect(changeRoleVia(admin, { userId: person.id, role: "owner" })).rejects.toMatchObject({ kind: "bad_request", fieldErrors: { role: [expect.stringMatching(/annotator, reviewer or admin/)] } });
    await expect(changeRoleVia(admin, { userId: "00000000-0000-4000-8000-000000000000", role: "admin" })).rejects.toMatchObject({ kind: "not_found" });
    expect((await loadActiveActor(person.id, "session"))?.role).toBe("reviewer");
  });

  it("only admins invite and change roles", async () => {
    const reviewer = await makeActor("reviewer");
    await expect(inviteUserVia(reviewer, { email: "x@example.test", role: "admin" })).rejects.toMatchObject({ kind: "forbidden" });
    await expect(changeRoleVia(reviewer, { userId: reviewer.id, role: "admin" })).rejects.toMatchObject({ kind: "forbidden" });
    const before = await auditActions();
    expect(before).not.toContain("user.invite");
  });

  it("never demotes or disables the last active admin, even when two try at once", async () => {
    const a = await makeActor("admin");
    await expect(changeRoleVia(a, { userId: a.id, role: "reviewer" })).rejects.toMatchObject({ kind: "conflict" });
    await expect(setUserDisabledVia(a, { userId: a.id, disabled: true })).rejects.toMatchObject({ kind: "conflict" });

    const b = await makeActor("admin");
    const results = await Promise.allSettled([
      changeRoleVia(a, { userId: a.id, role: "annotator" }),
      changeRoleVia(b, { userId: b.id, role: "annotator" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const admins = (await getDb().select().from(users)).filter((u) => u.role === "admin");
    expect(admins).toHaveLength(1);
    expect(await auditActions()).toContain("user.role_change");
  });

  it("a disabled account is refused at once: its session actor and its tokens stop working", async () => {
    const admin = await makeActor("admin");
    const annotator = await makeActor("annotator");
    expect(await loadActiveActor(annotator.id, "session")).not.toBeNull();
    await setUserDisabledVia(admin, { userId: annotator.id, disabled: true });
    expect(await loadActiveActor(annotator.id, "session")).toBeNull();
    const res = await signInWithPassword({ email: annotator.email, password }, null);
    expect(res).toMatchObject({ ok: false, reason: "disabled" });
    expect(await auditActions()).toEqual(expect.arrayContaining(["user.disable", "auth.sign_in_failed"]));
  });

  it("slows, then locks, repeated failed sign-ins for one account, and says so", async () => {
    const user = await makeActor("annotator");
    const saved = { ...throttlePolicy };
    Object.assign(throttlePolicy, { delayStepMs: 1, maxDelayMs: 5 });
    try {
      for (let i = 0; i < throttlePolicy.lockAfter.email; i++) {
        const r = await signInWithPassword({ email: user.email, password: "wrong password!" }, `10.1.0.${i}`);
        expect(r).toMatchObject({ ok: false, reason: "invalid" });
      }
      const locked = await signInWithPassword({ email: user.email, password }, "10.2.0.1");
      expect(locked).toMatchObject({ ok: false, reason: "locked" });
      if (!locked.ok) expect(locked.message).toMatch(/locked for \d+ more minute/);
    } finally {
      Object.assign(throttlePolicy, saved);
    }
    const rows = await getDb().select().from(auditLog);
    expect(JSON.stringify(rows)).not.toContain(password);
    expect(JSON.stringify(rows)).not.toContain("wrong password!");
  });

  it("API tokens are shown once, stored hashed, and stop working when revoked", async () => {
    const admin = await makeActor("admin");
    const token = await createApiTokenVia(admin, { name: "ci" });
    expect(token.token).toMatch(/^tl_/);
    expect((await actorFromApiToken(token.token))?.id).toBe(admin.id);
    const dump = JSON.stringify(await getDb().execute("select * from api_tokens"));
    expect(dump).not.toContain(token.token);
    await revokeApiToken(admin, token.id);
    expect(await actorFromApiToken(token.token)).toBeNull();
  });

  afterEach(() => vi.useRealTimers());

  it("a disable or revocation written by another process (a second web worker) is refused within 5 s; until then the cached state answers", async () => {
    const admin = await makeActor("admin");
    const person = await makeActor("annotator");
    const token = await createApiTokenVia(admin, { name: "worker" });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    expect(await loadActiveActor(person.id, "session")).not.toBeNull();
    expect((await actorFromApiToken(token.token))?.id).toBe(admin.id);
    // Written straight to the database, as another process's disable and revoke are: this process hears nothing.
    await userQueries.updateUser(getDb(), person.id, { disabledAt: new Date() });
    await userQueries.revokeApiToken(getDb(), token.id);
    vi.advanceTimersByTime(4_000);
    expect(await loadActiveActor(person.id, "session"), "still the cached row 4 s later").not.toBeNull();
    expect(await actorFromApiToken(token.token), "still the cached row 4 s later").not.toBeNull();
    vi.advanceTimersByTime(1_001);
    expect(await loadActiveActor(person.id, "session"), "refused after 5 s").toBeNull();
    expect(await actorFromApiToken(token.token), "refused after 5 s").toBeNull();
  });
});
