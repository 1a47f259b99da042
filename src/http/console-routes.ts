/*
 * The operator console's pages and actions. Every query runs on the signed-in
 * login's own pool (sessions.ts): an operator's page shows what its grants and
 * row-level security let it read, and its actions are SQL functions that check
 * the company themselves (console/*.sql). A company or order the login may
 * not see is simply "not found", whether the URL was followed or forged.
 * Every POST carries a CSRF token; the session cookie is httpOnly and
 * SameSite=Strict; no password or token is ever written into a page.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Pool } from "pg";
import type { Logger } from "pino";
import { z } from "zod";
import { age, CONSOLE_SCRIPT, html, layout, type Html, type PageUser } from "./html";
import { SignInRefused, type ConsoleSession, type SessionStore } from "./sessions";
import { describePhase, type RunPhase } from "../sync/phase";

const SESSION_COOKIE = "sincro_session";
const PAGE_SIZE = 50;

const aziSchema = z.string().regex(/^[A-Za-z0-9_-]{1,20}$/);
const idPubSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const blankAsUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankAsUndefined, schema.optional());

const signInForm = z.object({ login: z.string().min(1).max(63), password: z.string().max(1000) });
const orderForm = z.object({ azi: aziSchema, id_pub: idPubSchema });
const resolveForm = orderForm.extend({ note: z.string().max(2000) });
const storeRetryForm = z.object({ inbox_id: idPubSchema });
const CUSTOMER_FIELDS = ["ragione_sociale", "partita_iva", "codice_fiscale", "email", "telefono", "indirizzo", "cap", "citta", "provincia", "nazione"] as const;
type CustomerField = (typeof CUSTOMER_FIELDS)[number];
const correctForm = orderForm.extend(Object.fromEntries(CUSTOMER_FIELDS.map((f) => [f, z.string().max(200).optional()])) as Record<CustomerField, z.ZodOptional<z.ZodString>>);
const problemsQuery = z.object({
  azi: optional(aziSchema),
  kind: optional(z.enum(["rejected", "failing", "stuck"])),
  older_than_minutes: optional(z.coerce.number().int().min(0).max(10_000_000)),
  page: optional(z.coerce.number().int().min(1).max(1_000_000)),
  done: optional(z.string().max(200)),
});
const timelineQuery = z.object({
  azi: optional(aziSchema),
  id_pub: optional(idPubSchema),
  tor_chia: optional(z.string().max(100)),
  store_order: optional(z.string().max(100)),
  device: optional(z.string().max(100)),
  device_order: optional(z.string().max(100)),
});
const SYNC_KINDS = { partial: "Partial sync", changes: "Sync for changes", rebuild: "Total rebuild" } as const;
const syncKind = z.enum(["partial", "changes", "rebuild"]);
const syncForm = z.object({ kind: syncKind, confirm: optional(z.literal("yes")) });

interface HttpError {
  readonly status: number;
  readonly text: string;
}

/** What the page says about a refusal from SQL: our codes by meaning, anything else without detail. */
function fromDatabaseError(error: unknown): HttpError {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const hint = (error as { hint?: unknown }).hint;
  if (code === "SY160") return { status: 404, text: "Not found: no such order in a company you serve." };
  if (code === "SY100") return { status: 404, text: "Not found: no such company among those you serve." };
  if (code === "SY174") return { status: 404, text: "Not found: no such store delivery in a company you serve." };
  if (code === "SY175") return { status: 400, text: typeof hint === "string" ? `${message} ${hint}` : message };
  if (typeof code === "string" && /^SY1[2-6]\d$/.test(code)) {
    return { status: code === "SY120" || code === "SY121" ? 409 : 400, text: typeof hint === "string" ? `${message} ${hint}` : message };
  }
  if (code === "42501") return { status: 403, text: "Your login may not do that." };
  return { status: 500, text: "The hub could not do that (see the server's log)." };
}

export function registerConsoleRoutes(app: FastifyInstance, sessions: SessionStore, signInPerMinute: number, log: Logger): void {
  const cookieOptions = { path: "/", httpOnly: true, sameSite: "strict" as const, secure: false, maxAge: sessions.idleSeconds };

  const userOf = (session: ConsoleSession, reply: FastifyReply): PageUser => ({
    login: session.login,
    kind: session.kind,
    azi: session.azi,
    csrf: reply.generateCsrf(),
  });

  /** The request's session, or a redirect to the sign-in page (undefined). */
  function sessionOf(request: FastifyRequest, reply: FastifyReply): ConsoleSession | undefined {
    const session = sessions.find(request.cookies[SESSION_COOKIE]);
    if (session === undefined) {
      void reply.redirect("/login", 303);
      return undefined;
    }
    return session;
  }

  function send(reply: FastifyReply, status: number, title: string, user: PageUser | undefined, body: Html, notice?: { ok: boolean; text: string }) {
    return reply.code(status).type("text/html; charset=utf-8").header("cache-control", "no-store").send(layout(title, user, body, notice));
  }

  function fail(reply: FastifyReply, session: ConsoleSession | undefined, error: HttpError) {
    return send(reply, error.status, error.status === 404 ? "Not found" : "Refused", session ? userOf(session, reply) : undefined, html`<p><a href="/">Back</a></p>`, {
      ok: false,
      text: error.text,
    });
  }

  app.get("/console.js", (_request, reply) => reply.type("text/javascript; charset=utf-8").send(CONSOLE_SCRIPT));

  // -- sign-in and sign-out
  app.get("/", (request, reply) => {
    const session = sessions.find(request.cookies[SESSION_COOKIE]);
    if (session === undefined) return reply.redirect("/login", 303);
    return reply.redirect(session.kind === "admin" ? "/companies" : `/company/${encodeURIComponent(session.azi ?? "")}`, 303);
  });

  const signInPage = (reply: FastifyReply, status: number, notice?: { ok: boolean; text: string }) =>
    send(
      reply,
      status,
      "Sign in",
      undefined,
      html`<form method="post" action="/login">
        <input type="hidden" name="_csrf" value="${reply.generateCsrf()}">
        <p><label for="login">Hub login</label><input id="login" name="login" autocomplete="username" required autofocus></p>
        <p><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required></p>
        <p><button type="submit">Sign in</button></p></form>
        <p>Operators sign in with the login made for them by <code>sincro.create_login(…, 'operator', azi)</code>; admins with theirs.</p>`,
      notice,
    );

  app.get("/login", (_request, reply) => signInPage(reply, 200));

  app.post("/login", { config: { rateLimit: { max: signInPerMinute, timeWindow: "1 minute" } } }, async (request, reply) => {
    const form = signInForm.safeParse(request.body);
    if (!form.success) return signInPage(reply, 400, { ok: false, text: "Wrong name or password." });
    try {
      const session = await sessions.signIn(form.data.login, form.data.password);
      void reply.setCookie(SESSION_COOKIE, session.id, cookieOptions);
      log.info({ event: "console_sign_in", login: session.login, kind: session.kind }, "console sign-in");
      return reply.redirect("/", 303);
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      return signInPage(reply, 401, { ok: false, text: "Wrong name or password." });
    }
  });

  app.post("/logout", async (request, reply) => {
    const id = request.cookies[SESSION_COOKIE];
    if (id !== undefined) await sessions.end(id);
    void reply.clearCookie(SESSION_COOKIE, { path: "/" });
    return signInPage(reply, 200, { ok: true, text: "Signed out." });
  });

  // -- companies (admin) and a company's page
  app.get("/companies", async (request, reply) => {
    const session = sessionOf(request, reply);
    if (session === undefined) return reply;
    const rows = await companyRows(session.pool, null);
    return send(
      reply,
      200,
      "Companies",
      userOf(session, reply),
      html`<table><caption>Every company your login may see</caption><thead><tr><th scope="col">Company</th><th scope="col">Push mode</th><th scope="col">Pending: ERP</th><th scope="col">store</th><th scope="col">apps</th><th scope="col">Oldest unacquired</th><th scope="col">Quota left</th></tr></thead><tbody>
      ${rows.map(
        (row) => html`<tr><td><a href="/company/${encodeURIComponent(row.azi)}">${row.azi}</a> ${row.ragione_sociale ?? ""}</td><td>${row.push_mode}</td>
          <td class="num">${row.pending_gest}</td><td class="num">${row.pending_store}</td><td class="num">${row.pending_app}</td>
          <td>${age(row.oldest_age)}</td><td class="num">${row.sync_remaining} of ${row.sync_quota}</td></tr>`,
      )}</tbody></table>`,
    );
  });

  app.get<{ Params: { azi: string } }>("/company/:azi", async (request, reply) => {
    const session = sessionOf(request, reply);
    if (session === undefined) return reply;
    const azi = aziSchema.safeParse(request.params.azi);
    const live = azi.success ? await companyLive(session.pool, azi.data) : undefined;
    if (!azi.success || live === undefined) return fail(reply, session, { status: 404, text: "Not found: no such company among those you serve." });
    const done = z.object({ done: optional(z.string().max(200)) }).safeParse(request.query);
    const user = userOf(session, reply);
    const card = (label: string, key: keyof CompanyLive) => html`<div class="card">${label}<b data-live="${key}">${live[key] ?? ""}</b></div>`;
    return send(
      reply,
      200,
      `Company ${azi.data}`,
      user,
      html`<div data-live-url="/company/${encodeURIComponent(azi.data)}/live" data-live-every="3000">
      <p>Numbers refresh every few seconds. Push mode: <strong>${live.push_mode}</strong>. ERP cursor: <span data-live="erp_cursor">${live.erp_cursor}</span>.</p>
      <section aria-labelledby="pending"><h2 id="pending">Waiting</h2><div class="cards">
        ${card("Not acquired by the ERP", "pending_gest")}${card("Not acquired by the store", "pending_store")}${card("Not acquired by the apps", "pending_app")}
        ${card("Oldest order the ERP has not acquired", "oldest_unacquired")}${card("Problems (see Problems)", "problems")}
        ${card("Quota used", "quota_used")}${card("Quota left", "quota_remaining")}${card("Period", "period")}</div></section>
      <section aria-labelledby="consumers"><h2 id="consumers">Consumers</h2>
      <table><thead><tr><th scope="col">Consumer</th><th scope="col">Cursor</th><th scope="col">Lag</th><th scope="col">Updated</th></tr></thead><tbody>
      ${live.consumers.map((c) => html`<tr><td>${c.consumer}</td><td class="num">${c.cursor}</td><td class="num">${c.lag}</td><td>${age(c.updated_age)} ago</td></tr>`)}
      </tbody></table></section>
      <section aria-labelledby="syncs"><h2 id="syncs">Syncs</h2>
      <form method="post" action="/company/${encodeURIComponent(azi.data)}/sync" class="inline">
        <input type="hidden" name="_csrf" value="${user.csrf}"><input type="hidden" name="kind" value="partial">
        <button type="submit">Partial sync (push pending orders; uses no quota)</button></form>
      <a href="/company/${encodeURIComponent(azi.data)}/sync?kind=changes">Sync for changes…</a>
      <a href="/company/${encodeURIComponent(azi.data)}/sync?kind=rebuild">Total rebuild…</a>
      ${done.success && done.data.done ? html`<p class="msg ok" role="status">${done.data.done}</p>` : html``}
      <h3>Last runs</h3><div id="runs">${runsTable(live.runs)}</div></section></div>`,
    );
  });

  app.get<{ Params: { azi: string } }>("/company/:azi/live", async (request, reply) => {
    const session = sessions.find(request.cookies[SESSION_COOKIE]);
    if (session === undefined) return reply.code(401).send({ error: "signed_out" });
    const azi = aziSchema.safeParse(request.params.azi);
    const live = azi.success ? await companyLive(session.pool, azi.data) : undefined;
    if (live === undefined) return reply.code(404).send({ error: "not_found" });
    return reply.header("cache-control", "no-store").send({ ...live, runsHtml: runsTable(live.runs).text });
  });

  // a run that uses quota is confirmed first, on a page that says how much is left
  app.get<{ Params: { azi: string } }>("/company/:azi/sync", async (request, reply) => {
    const session = sessionOf(request, reply);
    if (session === undefined) return reply;
    const azi = aziSchema.safeParse(request.params.azi);
    const kind = z.object({ kind: z.enum(["changes", "rebuild"]) }).safeParse(request.query);
    if (!azi.success || !kind.success) return fail(reply, session, { status: 400, text: "Unknown sync." });
    const quota = await session.pool.query<{ sync_quota: number; sync_used: number; sync_remaining: number; period_end: string }>(
      "select q.sync_quota, q.sync_used, q.sync_remaining, q.period_end::text from sincro.quota(only_azi => $1) q",
      [azi.data],
    );
    const q = quota.rows[0];
    if (q === undefined) return fail(reply, session, { status: 404, text: "Not found: no such company among those you serve." });
    const user = userOf(session, reply);
    const what = SYNC_KINDS[kind.data.kind];
    const usage =
      q.sync_remaining > 0
        ? `This ${what.toLowerCase()} uses 1 of ${q.sync_remaining} remaining this period (${q.sync_used} of ${q.sync_quota} used; the period ends ${q.period_end}) once it succeeds.`
        : `No quota is left this period (${q.sync_used} of ${q.sync_quota} used; the period ends ${q.period_end}): the hub will refuse the run.`;
    return send(
      reply,
      200,
      `${what} of ${azi.data}?`,
      user,
      html`<p id="quota-usage">${usage}</p>
      <form method="post" action="/company/${encodeURIComponent(azi.data)}/sync"><input type="hidden" name="_csrf" value="${user.csrf}">
        <input type="hidden" name="kind" value="${kind.data.kind}"><input type="hidden" name="confirm" value="yes">
        <button type="submit">Start the ${what.toLowerCase()}</button> <a href="/company/${encodeURIComponent(azi.data)}">Cancel</a></form>`,
    );
  });

  app.post<{ Params: { azi: string } }>("/company/:azi/sync", async (request, reply) => {
    const session = sessionOf(request, reply);
    if (session === undefined) return reply;
    const azi = aziSchema.safeParse(request.params.azi);
    const form = syncForm.safeParse(request.body);
    if (!azi.success || !form.success) return fail(reply, session, { status: 400, text: "Unknown sync." });
    const { kind } = form.data;
    if (kind !== "partial" && form.data.confirm !== "yes") return reply.redirect(`/company/${encodeURIComponent(azi.data)}/sync?kind=${kind}`, 303);
    try {
      const run =
        kind === "partial"
          ? await session.pool.query<{ run_id: string }>("select sincro.partial_sync(azi => $1) as run_id", [azi.data])
          : await session.pool.query<{ run_id: string }>("select sincro.sync_request(azi => $1, kind => $2) as run_id", [azi.data, kind]);
      const runId = run.rows[0]?.run_id;
      log.info({ event: "console_sync", login: session.login, azi: azi.data, kind, runId }, "sync started from the console");
      const text = `${SYNC_KINDS[kind]} run ${runId} started; the worker runs it.`;
      return reply.redirect(`/company/${encodeURIComponent(azi.data)}?done=${encodeURIComponent(text)}`, 303);
    } catch (error) {
      return fail(reply, session, fromDatabaseError(error));
    }
  });

  // -- problems
  app.get("/problems", async (request, reply) => {
    const session = sessionOf(request, reply);
    if (session === undefined) return reply;
    const query = problemsQuery.safeParse(request.query);
    if (!query.success) return fail(reply, session, { status: 400, text: "Unusable filter." });
    const { kind, older_than_minutes: olderThan, done } = query.data;
    const azi = session.kind === "operator" ? session.azi : (query.data.azi ?? null);
    const page = query.data.page ?? 1;
    const rows = await problemRows(session.pool, azi, kind ?? null, olderThan ?? null, page);
    const total = Number(rows[0]?.total ?? 0);
    const storeRows = await storeProblemRows(session.pool, azi);
    const storeTotal = Number(storeRows[0]?.total ?? 0);
    const user = userOf(session, reply);
    const filters = new URLSearchParams();
    if (azi !== null && session.kind === "admin") filters.set("azi", azi);
    if (kind) filters.set("kind", kind);
    if (olderThan !== undefined) filters.set("older_than_minutes", String(olderThan));
    const pageLink = (n: number) => `/problems?${new URLSearchParams([...filters, ["page", String(n)]]).toString()}`;
    return send(
      reply,
      200,
      "Problems",
      user,
      html`<form method="get" action="/problems"><fieldset><legend>Filters</legend>
        ${session.kind === "admin" ? html`<label>Company <input name="azi" value="${azi ?? ""}" size="10"></label>` : html``}
        <label>Kind <select name="kind"><option value="">any</option>
          ${(["rejected", "failing", "stuck"] as const).map((k) => html`<option value="${k}"${kind === k ? html` selected` : html``}>${k}</option>`)}</select></label>
        <label>Queued more than <input name="older_than_minutes" type="number" min="0" value="${olderThan ?? ""}" size="6"> minutes ago</label>
        <button type="submit">Filter</button></fieldset></form>
      ${done ? html`<p class="msg ok" role="status">${done}</p>` : html``}
      <p>${total} problem order${total === 1 ? "" : "s"}${total > PAGE_SIZE ? `, page ${page} of ${Math.ceil(total / PAGE_SIZE)}` : ""}.</p>
      <table><thead><tr><th scope="col">Company</th><th scope="col">Order</th><th scope="col">Created by</th><th scope="col">Kind</th><th scope="col">Attempts</th>
        <th scope="col">Last attempt</th><th scope="col">ERP's message / last error</th><th scope="col">Next try</th><th scope="col">Actions</th></tr></thead><tbody>
      ${rows.map(
        (row) => html`<tr data-order="${row.azi}:${row.id_pub}"><td>${row.azi}</td>
          <td><a href="/timeline?azi=${encodeURIComponent(row.azi)}&amp;id_pub=${row.id_pub}">${row.id_pub}</a></td>
          <td>${row.prov_tipo === "S" ? `store order ${row.id_int}` : `device ${row.prov_id}, order ${row.id_int}`}</td>
          <td>${row.kind}</td><td class="num">${row.attempts}</td><td>${row.last_attempt_age === null ? "" : `${age(row.last_attempt_age)} ago`}</td>
          <td class="problem-message">${row.kind === "rejected" ? row.erp_message : row.last_error}</td><td>${row.next_try_in === null ? "" : row.next_try_in <= 0 ? "due" : `in ${age(row.next_try_in)}`}</td>
          <td><form method="post" action="/problems/retry" class="inline"><input type="hidden" name="_csrf" value="${user.csrf}">
              <input type="hidden" name="azi" value="${row.azi}"><input type="hidden" name="id_pub" value="${row.id_pub}">
              <button type="submit" aria-label="Retry order ${row.id_pub} now">Retry now</button></form>
            <form method="post" action="/problems/resolve" class="inline"><input type="hidden" name="_csrf" value="${user.csrf}">
              <input type="hidden" name="azi" value="${row.azi}"><input type="hidden" name="id_pub" value="${row.id_pub}">
              <label>Note <input name="note" required maxlength="2000" aria-label="Why order ${row.id_pub} is resolved by hand"></label>
              <button type="submit" aria-label="Resolve order ${row.id_pub}">Resolve</button></form>
            ${row.kind === "rejected" && row.new_customer_id !== null
              ? html`<a href="/problems/correct?azi=${encodeURIComponent(row.azi)}&amp;id_pub=${row.id_pub}">Correct the new customer and resend</a>`
              : html``}</td></tr>`,
      )}</tbody></table>
      <nav aria-label="Pages">${page > 1 ? html`<a href="${pageLink(page - 1)}">Previous page</a> ` : html``}${page * PAGE_SIZE < total ? html`<a href="${pageLink(page + 1)}">Next page</a>` : html``}</nav>
      <h2>Store deliveries</h2>
      <p>${storeTotal} store deliver${storeTotal === 1 ? "y" : "ies"} to look at${storeTotal > PAGE_SIZE ? ` (the latest ${PAGE_SIZE} below; npx sincro store inbox lists them all)` : ""}:
        orders a shop sent that could not be taken (fix the order in the shop, or the store's settings, then take the delivery again),
        and orders the shop cancelled or refunded after the ERP got them (the ERP was not told).</p>
      <table><thead><tr><th scope="col">Company</th><th scope="col">Store</th><th scope="col">Shop order</th><th scope="col">Received</th>
        <th scope="col">Kind</th><th scope="col">Why</th><th scope="col">Hub order</th><th scope="col">Actions</th></tr></thead><tbody>
      ${storeRows.map(
        (row) => html`<tr data-inbox="${row.inbox_id}"><td>${row.azi}</td><td>${row.store_id} (${row.platform})</td><td>${row.platform_order_id ?? ""}</td>
          <td>${age(row.received_age)} ago</td><td>${row.kind}</td><td class="problem-message">${row.reason ?? ""}</td>
          <td>${row.id_pub === null ? "" : html`<a href="/timeline?azi=${encodeURIComponent(row.azi)}&amp;id_pub=${row.id_pub}">${row.id_pub}</a>`}</td>
          <td>${row.kind === "error"
            ? html`<form method="post" action="/problems/store-retry" class="inline"><input type="hidden" name="_csrf" value="${user.csrf}">
                <input type="hidden" name="inbox_id" value="${row.inbox_id}">
                <button type="submit" aria-label="Take delivery ${row.inbox_id} again">Take again</button></form>`
            : html``}</td></tr>`,
      )}</tbody></table>`,
    );
  });

  app.post("/problems/store-retry", async (request, reply) => {
    const session = sessionOf(request, reply);
    if (session === undefined) return reply;
    const form = storeRetryForm.safeParse(request.body);
    if (!form.success) return fail(reply, session, { status: 400, text: "Unusable request." });
    try {
      await session.pool.query("select sincro.store_inbox_retry(inbox_id => $1)", [form.data.inbox_id]);
      log.info({ event: "store_inbox_retried", login: session.login, inbox_id: form.data.inbox_id }, `inbox row ${form.data.inbox_id} taken again`);
      return reply.redirect(`/problems?done=${encodeURIComponent(`Store delivery ${form.data.inbox_id} is being taken again; this page shows it if it fails again.`)}`, 303);
    } catch (error) {
      return fail(reply, session, fromDatabaseError(error));
    }
  });

  app.post("/problems/retry", async (request, reply) => {
    const session = sessionOf(request, reply);
    if (session === undefined) return reply;
    const form = orderForm.safeParse(request.body);
    if (!form.success) return fail(reply, session, { status: 400, text: "Which order?" });
    try {
      await session.pool.query("select sincro.push_retry(azi => $1, id_pub => $2)", [form.data.azi, form.data.id_pub]);
      log.info({ event: "console_retry", login: session.login, azi: form.data.azi, id_pub: form.data.id_pub }, "retry from the console");
      return reply.redirect(`/problems?done=${encodeURIComponent(`Order ${form.data.id_pub} of ${form.data.azi} goes to the ERP again now.`)}`, 303);
    } catch (error) {
      return fail(reply, session, fromDatabaseError(error));
    }
  });

  app.post("/problems/resolve", async (request, reply) => {
    const session = sessionOf(request, reply);
    if (session === undefined) return reply;
    const form = resolveForm.safeParse(request.body);
    if (!form.success) return fail(reply, session, { status: 400, text: "Which order, and why?" });
    try {
      await session.pool.query("select sincro.push_resolve(azi => $1, id_pub => $2, note => $3)", [form.data.azi, form.data.id_pub, form.data.note]);
      log.info({ event: "console_resolve", login: session.login, azi: form.data.azi, id_pub: form.data.id_pub }, "resolved from the console");
      return reply.redirect(`/problems?done=${encodeURIComponent(`Order ${form.data.id_pub} of ${form.data.azi} is resolved; the note is in its timeline.`)}`, 303);
    } catch (error) {
      return fail(reply, session, fromDatabaseError(error));
    }
  });

  // -- correct and resend: a rejection caused by the new customer's data
  app.get("/problems/correct", async (request, reply) => {
    const session = sessionOf(request, reply);
    if (session === undefined) return reply;
    const query = orderForm.safeParse(request.query);
    if (!query.success) return fail(reply, session, { status: 400, text: "Which order?" });
    const { azi, id_pub: idPub } = query.data;
    const found = await session.pool.query<Record<CustomerField, string | null> & { erp_message: string | null }>(
      `select ${CUSTOMER_FIELDS.map((f) => `c.${f}`).join(", ")}, p.erp_message
       from sincro.arportes a join sincro.new_customers c on c.azi = a.azi and c.customer_id = a.new_customer_id
       join sincro.order_push p on p.azi = a.azi and p.id_pub = a.id_pub
       where a.azi = $1 and a.id_pub = $2 and p.state = 'rejected'`,
      [azi, idPub],
    );
    const customer = found.rows[0];
    if (customer === undefined) return fail(reply, session, { status: 404, text: "Not found: no rejected order with a new customer by that ID in a company you serve." });
    const user = userOf(session, reply);
    return send(
      reply,
      200,
      `Correct the new customer of order ${idPub} of ${azi}`,
      user,
      html`<p>The ERP said: <strong id="erp-message">${customer.erp_message}</strong></p>
      <form method="post" action="/problems/correct"><input type="hidden" name="_csrf" value="${user.csrf}">
        <input type="hidden" name="azi" value="${azi}"><input type="hidden" name="id_pub" value="${idPub}">
        <fieldset><legend>New customer (only these fields; the changes go to the order's history)</legend>
        ${CUSTOMER_FIELDS.map((f) => html`<p><label for="f-${f}">${f}</label> <input id="f-${f}" name="${f}" value="${customer[f] ?? ""}" maxlength="200"${f === "ragione_sociale" || f === "nazione" ? html` required` : html``}></p>`)}
        </fieldset><button type="submit">Save and resend</button> <a href="/problems">Cancel</a></form>`,
    );
  });

  app.post("/problems/correct", async (request, reply) => {
    const session = sessionOf(request, reply);
    if (session === undefined) return reply;
    const form = correctForm.safeParse(request.body);
    if (!form.success) return fail(reply, session, { status: 400, text: "Which order, and which fields?" });
    const { azi, id_pub: idPub } = form.data;
    const corrections = Object.fromEntries(CUSTOMER_FIELDS.map((f) => [f, form.data[f] === undefined || form.data[f].trim() === "" ? null : form.data[f].trim()]));
    try {
      await session.pool.query("select sincro.new_customer_correct(azi => $1, id_pub => $2, corrections => $3::jsonb)", [azi, idPub, JSON.stringify(corrections)]);
      log.info({ event: "console_correct", login: session.login, azi, id_pub: idPub }, "new customer corrected from the console");
      return reply.redirect(`/problems?done=${encodeURIComponent(`Order ${idPub} of ${azi}: new customer corrected; the order goes to the ERP again now.`)}`, 303);
    } catch (error) {
      return fail(reply, session, fromDatabaseError(error));
    }
  });

  // -- the order timeline
  app.get("/timeline", async (request, reply) => {
    const session = sessionOf(request, reply);
    if (session === undefined) return reply;
    const query = timelineQuery.safeParse(request.query);
    if (!query.success) return fail(reply, session, { status: 400, text: "Unusable search." });
    const q = query.data;
    const azi = session.kind === "operator" ? (q.azi ?? session.azi) : q.azi;
    const user = userOf(session, reply);
    const searched = q.id_pub !== undefined || q.tor_chia !== undefined || q.store_order !== undefined || q.device !== undefined;
    const form = html`<form method="get" action="/timeline"><fieldset><legend>Find an order (one of)</legend>
      <label>Company <input name="azi" value="${azi ?? ""}" size="10" required></label>
      <label>Public ID <input name="id_pub" value="${q.id_pub ?? ""}" size="8" inputmode="numeric"></label>
      <label>ERP key <input name="tor_chia" value="${q.tor_chia ?? ""}" size="16"></label>
      <label>Store order <input name="store_order" value="${q.store_order ?? ""}" size="10"></label>
      <label>Device <input name="device" value="${q.device ?? ""}" size="6"></label>
      <label>Device order <input name="device_order" value="${q.device_order ?? ""}" size="10"></label>
      <button type="submit">Show</button></fieldset></form>`;
    if (!searched || azi === undefined || azi === null) return send(reply, 200, "Order timeline", user, form);
    const timeline = await readTimeline(session.pool, { ...q, azi });
    if (timeline === undefined) return send(reply, 404, "Order timeline", user, form, { ok: false, text: "Not found: no such order in a company you serve." });
    return send(reply, 200, `Order ${timeline.header.id_pub} of ${azi}`, user, html`${form}${timelineHtml(timeline)}`);
  });
}

// -- reading, with the session's own rights

interface CompanyRow {
  readonly azi: string;
  readonly ragione_sociale: string | null;
  readonly push_mode: string;
  readonly pending_gest: string;
  readonly pending_store: string;
  readonly pending_app: string;
  readonly oldest_age: number | null;
  readonly sync_quota: number;
  readonly sync_remaining: number;
}

async function companyRows(pool: Pool, azi: string | null): Promise<CompanyRow[]> {
  const result = await pool.query<CompanyRow>(
    `select s.azi, c.ragione_sociale, c.push_mode, s.pending_gest::text, s.pending_store::text, s.pending_app::text,
            extract(epoch from now() - s.oldest_unacquired_at)::float8 as oldest_age, s.sync_quota, s.sync_remaining
     from sincro.company_status s join sincro.apstatosyn c using (azi)
     where $1::text is null or s.azi = $1 order by s.azi`,
    [azi],
  );
  return result.rows;
}

interface RunRow extends RunPhase {
  readonly run_id: string;
  readonly kind: string;
  readonly state: string;
  readonly started_at: string;
  readonly seconds: number | null;
  readonly rows: string;
  readonly rate: number | null;
  readonly uses_quota: boolean;
  readonly error: string | null;
}

interface CompanyLive {
  readonly push_mode: string;
  readonly pending_gest: number;
  readonly pending_store: number;
  readonly pending_app: number;
  readonly oldest_unacquired: string;
  readonly problems: number;
  readonly erp_cursor: string;
  readonly quota_used: string;
  readonly quota_remaining: string;
  readonly period: string;
  readonly consumers: { consumer: string; cursor: string; lag: string; updated_age: number | null }[];
  readonly runs: RunRow[];
}

async function companyLive(pool: Pool, azi: string): Promise<CompanyLive | undefined> {
  const [row] = await companyRows(pool, azi);
  if (row === undefined) return undefined;
  const status = await pool.query<{ erp_cursor: string; sync_used: number; sync_quota: number; sync_remaining: number; period_start: string; period_end: string }>(
    `select s.erp_cursor, q.sync_used, q.sync_quota, q.sync_remaining, q.period_start::text, q.period_end::text
     from sincro.company_status s cross join lateral sincro.quota(s.azi) q where s.azi = $1`,
    [azi],
  );
  const problems = await pool.query<{ total: string }>("select coalesce(max(total), 0)::text as total from sincro.order_problems(only_azi => $1, page_size => 1)", [azi]);
  const consumers = await pool.query<{ consumer: string; cursor: string; lag: string; updated_age: number | null }>(
    `select l.consumer, l.cursor::text, l.lag::text, extract(epoch from now() - l.updated_at)::float8 as updated_age
     from sincro.consumer_lag l where l.azi = $1 order by l.consumer`,
    [azi],
  );
  const runs = await pool.query<RunRow>(
    `select r.run_id::text, r.kind, r.state, to_char(r.started_at, 'YYYY-MM-DD HH24:MI:SS') as started_at,
            extract(epoch from coalesce(r.finished_at, now()) - r.started_at)::float8 as seconds,
            (case when r.kind = 'partial' then r.orders_pushed else r.rows_received end)::text as rows,
            (case when r.kind = 'partial' then r.orders_pushed else r.rows_received end)
              / greatest(extract(epoch from coalesce(r.finished_at, r.progress_at) - r.started_at)::float8, 0.001) as rate,
            r.uses_quota, r.error, r.phase, r.phase_item, r.phase_step, r.phase_steps
     from sincro.sync_runs r where r.azi = $1 order by r.run_id desc limit 10`,
    [azi],
  );
  const s = status.rows[0];
  return {
    push_mode: row.push_mode,
    pending_gest: Number(row.pending_gest),
    pending_store: Number(row.pending_store),
    pending_app: Number(row.pending_app),
    oldest_unacquired: row.oldest_age === null ? "none" : age(row.oldest_age),
    problems: Number(problems.rows[0]?.total ?? 0),
    erp_cursor: s?.erp_cursor === "" || s === undefined ? "(never synced)" : s.erp_cursor,
    quota_used: s === undefined ? "" : `${s.sync_used} of ${s.sync_quota}`,
    quota_remaining: s === undefined ? "" : String(s.sync_remaining),
    period: s === undefined ? "" : `${s.period_start} to ${s.period_end}`,
    consumers: consumers.rows,
    runs: runs.rows,
  };
}

function runsTable(runs: readonly RunRow[]): Html {
  if (runs.length === 0) return html`<p>No run yet.</p>`;
  return html`<table><thead><tr><th scope="col">Run</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col">Started</th><th scope="col">Took</th>
    <th scope="col">Phase</th><th scope="col">Rows / orders</th><th scope="col">Rate /s</th><th scope="col">Charged quota</th><th scope="col">Error</th></tr></thead><tbody>
    ${runs.map(
      (r) => html`<tr data-run="${r.run_id}"><td class="num">${r.run_id}</td><td>${r.kind}</td><td class="run-state">${r.state}</td><td>${r.started_at}</td>
        <td>${age(r.seconds)}</td><td class="run-phase">${describePhase(r)}</td><td class="num">${r.rows}</td><td class="num">${r.rate === null ? "" : r.rate.toFixed(1)}</td>
        <td>${r.uses_quota && r.state === "succeeded" ? "1" : "0"}</td><td>${r.error ?? ""}</td></tr>`,
    )}</tbody></table>`;
}

interface ProblemRow {
  readonly azi: string;
  readonly id_pub: string;
  readonly kind: string;
  readonly prov_tipo: string;
  readonly prov_id: string | null;
  readonly id_int: string | null;
  readonly new_customer_id: string | null;
  readonly attempts: number;
  readonly last_attempt_age: number | null;
  readonly last_error: string | null;
  readonly erp_message: string | null;
  readonly next_try_in: number | null;
  readonly total: string;
}

async function problemRows(pool: Pool, azi: string | null, kind: string | null, olderThanMinutes: number | null, page: number): Promise<ProblemRow[]> {
  const result = await pool.query<ProblemRow>(
    `select p.azi, p.id_pub::text, p.kind, p.prov_tipo, p.prov_id, p.id_int, p.new_customer_id::text, p.attempts,
            extract(epoch from now() - p.last_attempt_at)::float8 as last_attempt_age, p.last_error, p.erp_message,
            extract(epoch from p.next_try_at - now())::float8 as next_try_in, p.total::text
     from sincro.order_problems(only_azi => $1, kind => $2, older_than => make_interval(mins => $3), page_size => $4, page_offset => $5) p`,
    [azi, kind, olderThanMinutes, PAGE_SIZE, (page - 1) * PAGE_SIZE],
  );
  return result.rows;
}

interface StoreProblemRow {
  readonly inbox_id: string;
  readonly azi: string;
  readonly store_id: string;
  readonly platform: string;
  readonly platform_order_id: string | null;
  readonly kind: string;
  readonly reason: string | null;
  readonly id_pub: string | null;
  readonly received_age: number;
  readonly total: string;
}

async function storeProblemRows(pool: Pool, azi: string | null): Promise<StoreProblemRow[]> {
  const result = await pool.query<StoreProblemRow>(
    `select p.inbox_id::text, p.azi, p.store_id, p.platform, p.platform_order_id, p.kind, p.reason, p.id_pub::text,
            extract(epoch from now() - p.received_at)::float8 as received_age, p.total::text
     from sincro.store_problems(only_azi => $1, page_size => $2) p`,
    [azi, PAGE_SIZE],
  );
  return result.rows;
}

export interface TimelineSearch {
  readonly azi: string;
  readonly id_pub?: number | undefined;
  readonly tor_chia?: string | undefined;
  readonly store_order?: string | undefined;
  readonly device?: string | undefined;
  readonly device_order?: string | undefined;
}

export interface TimelineRow {
  readonly step: number;
  readonly recorded_at: string;
  readonly what: string;
  readonly party: string | null;
  readonly db_user: string | null;
  readonly changes: string | null;
  readonly tor_chia: string | null;
  readonly conferma: string | null;
  readonly id_int: string | null;
  readonly ack_store: number | null;
  readonly ack_gest: number | null;
  readonly ack_app: number | null;
  readonly prov_tipo: string | null;
  readonly prov_id: string | null;
  readonly autore_tipo: string | null;
  readonly autore_cod: string | null;
  readonly id_sincro: string | null;
  readonly detail: string | null;
}

export interface Timeline {
  readonly header: Record<string, unknown> & { id_pub: string };
  readonly lines: Record<string, unknown>[];
  readonly push: Record<string, unknown> | undefined;
  readonly rows: TimelineRow[];
}

/** The order found by one of the search keys, with its header, lines, push state and timeline; undefined when the login sees none. */
export async function readTimeline(pool: Pool, search: TimelineSearch): Promise<Timeline | undefined> {
  const found = await pool.query<{ id_pub: string | null }>(
    "select sincro.locate_order(azi => $1, id_pub => $2, tor_chia => $3, store_order => $4, device => $5, device_order => $6)::text as id_pub",
    [search.azi, search.id_pub ?? null, search.tor_chia ?? null, search.store_order ?? null, search.device ?? null, search.device_order ?? null],
  );
  const idPub = found.rows[0]?.id_pub;
  if (idPub === null || idPub === undefined) return undefined;
  const header = await pool.query<Record<string, unknown> & { id_pub: string }>(
    `select a.id_pub::text, a.tor_chia, a.conferma, a.prov_tipo, a.prov_id, a.id_int, a.autore_tipo, a.autore_cod, a.data_ordine::text,
            a.cliente_cod, a.cod_agente, a.dest_ragione_sociale, a.totale_documento::text, a.valuta, a.ack_store, a.ack_gest, a.ack_app, a.id_sincro::text
     from sincro.arportes a where a.azi = $1 and a.id_pub = $2`,
    [search.azi, idPub],
  );
  const lines = await pool.query<Record<string, unknown>>(
    "select r.riga, r.articolo, r.descrizione, r.quantita::text, r.prezzo::text, r.sconto::text from sincro.arporrig r where r.azi = $1 and r.id_pub = $2 order by r.riga",
    [search.azi, idPub],
  );
  const push = await pool.query<Record<string, unknown>>(
    "select p.state, p.attempts, p.last_error, p.erp_message from sincro.order_push p where p.azi = $1 and p.id_pub = $2",
    [search.azi, idPub],
  );
  const rows = await pool.query<TimelineRow>(
    `select t.step, to_char(t.recorded_at, 'YYYY-MM-DD HH24:MI:SS.MS') as recorded_at, t.what, t.party, t.db_user::text, t.changes,
            t.tor_chia, t.conferma, t.id_int, t.ack_store, t.ack_gest, t.ack_app, t.prov_tipo, t.prov_id, t.autore_tipo, t.autore_cod,
            t.id_sincro::text, t.detail
     from sincro.order_timeline(azi => $1, id_pub => $2) t order by t.step`,
    [search.azi, idPub],
  );
  const first = header.rows[0];
  if (first === undefined) return undefined;
  return { header: first, lines: lines.rows, push: push.rows[0], rows: rows.rows };
}

function timelineHtml(timeline: Timeline): Html {
  const h = timeline.header;
  return html`<section aria-labelledby="header"><h2 id="header">Order</h2><table><tbody>
    ${Object.entries(h).map(([key, value]) => html`<tr><th scope="row">${key}</th><td>${value}</td></tr>`)}
    ${timeline.push ? html`<tr><th scope="row">push</th><td>${timeline.push.state} after ${timeline.push.attempts} attempt(s) ${timeline.push.erp_message ?? timeline.push.last_error ?? ""}</td></tr>` : html``}
    </tbody></table></section>
    <section aria-labelledby="lines"><h2 id="lines">Lines</h2><table><thead><tr><th scope="col">Line</th><th scope="col">Article</th><th scope="col">Description</th><th scope="col">Quantity</th><th scope="col">Price</th><th scope="col">Discount %</th></tr></thead><tbody>
    ${timeline.lines.map((l) => html`<tr><td class="num">${l.riga}</td><td>${l.articolo}</td><td>${l.descrizione}</td><td class="num">${l.quantita}</td><td class="num">${l.prezzo}</td><td class="num">${l.sconto}</td></tr>`)}
    </tbody></table></section>
    <section aria-labelledby="events"><h2 id="events">Timeline</h2><table id="timeline"><thead><tr><th scope="col">#</th><th scope="col">When</th><th scope="col">What</th><th scope="col">Who</th>
      <th scope="col">Changed (before → after)</th><th scope="col">tor_chia</th><th scope="col">conferma</th><th scope="col">ack S/G/A</th><th scope="col">autore</th><th scope="col">id_sincro</th><th scope="col">ERP's answer / note</th></tr></thead><tbody>
    ${timeline.rows.map(
      (r) => html`<tr><td class="num">${r.step}</td><td>${r.recorded_at}</td><td>${r.what}</td><td>${r.party ? `${r.party} ` : ""}${r.db_user}</td><td>${r.changes}</td>
        <td>${r.tor_chia}</td><td>${r.conferma}</td><td>${r.ack_store === null ? "" : `${r.ack_store}/${r.ack_gest}/${r.ack_app}`}</td>
        <td>${r.autore_tipo === null ? "" : `${r.autore_tipo} ${r.autore_cod}`}</td><td class="num">${r.id_sincro}</td><td class="detail">${r.detail}</td></tr>`,
    )}</tbody></table></section>`;
}
