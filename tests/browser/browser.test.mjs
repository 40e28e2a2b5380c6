// End-to-end test of veille's web pages in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core; no browser is downloaded).
//
// The world: the fixture site of the end-to-end tests
// (tests/fixtures/e2e/site) served on 127.0.0.1, crawled by the real
// `veille crawl --once` into a temporary data directory, a curator and an
// analyst made with `veille users add`, then `veille serve`. A curator signs
// in, searches, opens an item, approves one with the keyboard on the queue
// page, reloads and sees it approved; an analyst signs in and cannot approve.
//
// The public portal: published records and a transfer kit filed through
// the API (its PDF downloaded from its page), walked in
// English and French (home → theme → record → map), no unpublished record
// shown even at a guessed address, axe-core on every portal page in every
// language, Korean included (no serious or critical violation). PORTAL_SCREENSHOTS=1
// writes the portal's screenshots into docs/screenshots/.
//
// Run with `node --test browser.test.mjs` after `cargo build --bin veille`
// (or `tests/browser/run.sh`, which installs what is missing). VEILLE_BIN
// and CHROMIUM override the binary and the browser; BROWSER_SCREENSHOTS=DIR
// keeps a screenshot of each step.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve, extname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const SITE = join(root, "tests", "fixtures", "e2e", "site");
const BIN = process.env.VEILLE_BIN || join(root, "target", "debug", "veille");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const SHOTS = process.env.BROWSER_SCREENSHOTS || "";
const PORTAL_SHOTS = process.env.PORTAL_SCREENSHOTS ? join(root, "docs", "screenshots") : "";
const AXE = readFileSync(join(here, "node_modules", "axe-core", "axe.min.js"), "utf8");
/** The API token of the curator who files the portal's records. */
const PORTAL_TOKEN = "portal-curator-token-0123456789";

const CURATOR = { name: "carol", password: "carol-long-password-2024", role: "curator" };
const ANALYST = { name: "anna", password: "anna-long-password-2024", role: "analyst" };

let site; // the fixture server
let siteBase;
let home; // temp dir: sources.toml, data/, browser profile
let server; // veille serve
let base; // http://127.0.0.1:PORT
let context; // the browser

/** Serves the fixture site, `http://fixture.local` rewritten to its address. */
function startSite() {
  return new Promise((ok) => {
    const srv = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
      let file = join(SITE, path);
      if (path.endsWith("/")) file = join(file, "index.html");
      if (path.includes("..") || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end("not found");
        return;
      }
      const types = {
        ".rss": "application/rss+xml; charset=utf-8",
        ".atom": "application/atom+xml; charset=utf-8",
        ".xml": "application/xml; charset=utf-8",
        ".json": "application/feed+json",
      };
      const body = readFileSync(file, "utf8").replaceAll("http://fixture.local", siteBase);
      res.writeHead(200, { "Content-Type": types[extname(file)] || "text/html; charset=utf-8" });
      res.end(body);
    });
    srv.listen(0, "127.0.0.1", () => ok(srv));
  });
}

/** The test's sources (shared with the API contract test), over the fixture site. */
function sourcesToml() {
  return readFileSync(join(root, "tests", "fixtures", "e2e", "sources.toml"), "utf8").replaceAll(
    "http://fixture.local",
    siteBase,
  );
}

/**
 * Runs the veille binary to completion (asynchronously: the fixture site
 * is served from this process); throws with its output on failure.
 */
function veille(args, input) {
  return new Promise((ok, fail) => {
    const child = spawn(
      BIN,
      ["--config", join(home, "sources.toml"), "--data", join(home, "data"), ...args],
      { env: { ...process.env, VEILLE_LOG: "warn" }, stdio: ["pipe", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) ok(stdout);
      else fail(new Error(`veille ${args.join(" ")} exited ${code}\n${stdout}\n${stderr}`));
    });
    child.stdin.end(input ?? "");
  });
}

async function waitForServer(url) {
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch (_) {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`veille serve did not answer at ${url}`);
}

async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function itemStatus(id) {
  const res = await fetch(`${base}/api/items/${id}`);
  assert.equal(res.status, 200);
  return (await res.json()).status;
}

async function signIn(page, who) {
  await page.goto(`${base}/login?next=/`);
  await page.fill("input[name=name]", who.name);
  await page.fill("input[name=password]", who.password);
  await Promise.all([page.waitForURL(`${base}/`), page.click("form#login-form button[type=submit]")]);
  const user = await page.textContent("header .user");
  assert.match(user, new RegExp(`${who.name}.*${who.role}`));
}

before(async () => {
  assert.ok(existsSync(BIN), `no veille binary at ${BIN}: run cargo build --bin veille first`);
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: install Debian's chromium`);
  site = await startSite();
  siteBase = `http://127.0.0.1:${site.address().port}`;
  home = mkdtempSync(join(tmpdir(), "veille-browser-"));
  writeFileSync(join(home, "sources.toml"), sourcesToml());
  const crawl = await veille(["crawl", "--once"]);
  assert.match(crawl, /sources: 4 ok, 0 failed/, crawl);
  await veille(["users", "add", CURATOR.name, "--role", CURATOR.role], `${CURATOR.password}\n`);
  await veille(["users", "add", ANALYST.name, "--role", ANALYST.role], `${ANALYST.password}\n`);

  const port = await new Promise((ok) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const p = probe.address().port;
      probe.close(() => ok(p));
    });
  });
  base = `http://127.0.0.1:${port}`;
  server = spawn(
    BIN,
    ["--config", join(home, "sources.toml"), "--data", join(home, "data"), "serve", "--listen", `127.0.0.1:${port}`],
    { env: { ...process.env, VEILLE_LOG: "warn", VEILLE_CURATOR_TOKENS: `portal=${PORTAL_TOKEN}` }, stdio: ["ignore", "ignore", "inherit"] },
  );
  await waitForServer(`${base}/healthz`);

  context = await chromium.launchPersistentContext(join(home, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
    viewport: { width: 1200, height: 900 },
    locale: "en-GB",
  });
});

after(async () => {
  if (context) await context.close();
  if (server) server.kill("SIGINT");
  if (site) site.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

test("a curator signs in, searches, opens an item, approves with the keyboard and sees it approved", async () => {
  const page = await context.newPage();
  await signIn(page, CURATOR);
  await shot(page, "1-signed-in");

  // Search: results with marked matches, facets as links.
  await page.fill("form.search input[name=q]", "cooperative");
  await Promise.all([page.waitForURL(/\?q=cooperative/), page.press("form.search input[name=q]", "Enter")]);
  const total = Number(await page.textContent("strong.total"));
  assert.ok(total >= 1, `search found ${total}`);
  assert.ok((await page.locator("li.hit").count()) >= 1);
  assert.ok((await page.locator(".snippet mark").count()) >= 1, "matches are marked");
  await shot(page, "2-search");

  // A facet link adds its filter to the URL.
  const facet = page.locator("section.facet[data-facet=lang] li a").first();
  const lang = await facet.getAttribute("data-value");
  await Promise.all([page.waitForURL(new RegExp(`lang=${lang}`)), facet.click()]);
  assert.ok(page.url().includes("q=cooperative"), "the query is kept");

  // Open the first item.
  const first = page.locator("li.hit h3 a").first();
  const title = (await first.textContent()).trim();
  await Promise.all([page.waitForURL(/\/items\//), first.click()]);
  assert.equal((await page.textContent("article.item h1")).trim(), title);
  assert.ok((await page.locator("a.original").count()) === 1);
  await shot(page, "3-item");

  // The queue: one card shown; j/k move; a approves.
  await page.goto(`${base}/queue`);
  const cards = page.locator("section.card");
  const n = await cards.count();
  assert.ok(n >= 2, `the queue has ${n} cards`);
  const visibleId = () => page.locator("section.card:not([hidden])").getAttribute("data-id");
  const firstId = await visibleId();
  await page.keyboard.press("j");
  const secondId = await visibleId();
  assert.notEqual(secondId, firstId, "j shows the next item");
  await page.keyboard.press("k");
  assert.equal(await visibleId(), firstId, "k goes back");
  assert.equal(await itemStatus(firstId), "unreviewed");
  await page.keyboard.press("a");
  await page.locator(`section.card[data-id="${firstId}"][data-status=approved]`).waitFor({ state: "attached" });
  await shot(page, "4-approved");

  // Reload: it left the queue, and its page says approved.
  await page.reload();
  assert.equal(await page.locator(`section.card[data-id="${firstId}"]`).count(), 0);
  await page.goto(`${base}/items/${firstId}`);
  assert.equal(await page.getAttribute("article.item", "data-status"), "approved");
  assert.equal((await page.textContent("article.item [data-role=status]")).trim(), "approved");
  assert.match(await page.textContent("section.history"), new RegExp(CURATOR.name));
  assert.equal(await itemStatus(firstId), "approved");

  // Correct the record with the form `e` opens: the new title is kept.
  await page.goto(`${base}/items/${firstId}#edit`);
  await page.fill("form.edit-form input[name=title]", "Corrected title of the practice");
  await Promise.all([
    page.waitForEvent("load"),
    page.click("form.edit-form button[type=submit]"),
  ]);
  assert.equal((await page.textContent("article.item h1")).trim(), "Corrected title of the practice");
  assert.match(await page.textContent("section.history"), /correct/i);

  // Sign out.
  await Promise.all([page.waitForLoadState("load"), page.click("#logout")]);
  await page.waitForSelector("header a[href^='/login']");
  await page.close();
});

test("the review queue goes on past the 20 cards its page comes with", async () => {
  const page = await context.newPage();
  await signIn(page, CURATOR);
  await page.goto(`${base}/queue`);
  const total = Number(await page.getAttribute("#queue", "data-total"));
  assert.ok(total > 21, `a queue longer than one page: ${total}`);
  for (let i = 0; i < 21; i++) {
    await page.keyboard.press("j");
    // The cards past the first 20 arrive in the background; a move past
    // the loaded ones waits for them.
    await page.waitForFunction(
      (n) => document.querySelector("#queue section.card:not([hidden]) .position .n")?.textContent.trim() === String(n),
      i + 2,
    );
  }
  const visible = page.locator("#queue section.card:not([hidden])");
  assert.equal(await visible.count(), 1);
  assert.equal((await visible.locator(".position .n").textContent()).trim(), "22");
  const ids = await page.$$eval("#queue section.card", (cards) => cards.map((c) => c.dataset.id));
  assert.equal(new Set(ids).size, ids.length, "no card twice");
  await page.close();
});

test("an analyst signs in and cannot approve", async () => {
  const page = await context.newPage();
  await signIn(page, ANALYST);
  await page.goto(`${base}/queue`);
  const id = await page.locator("section.card:not([hidden])").getAttribute("data-id");
  await page.keyboard.press("a");
  const message = page.locator(`section.card[data-id="${id}"] .message.error`);
  await message.waitFor();
  assert.match(await message.textContent(), /not allowed/);
  await shot(page, "5-analyst");
  await page.reload();
  assert.equal(await page.getAttribute(`section.card[data-id="${id}"]`, "data-status"), "unreviewed");
  assert.equal(await itemStatus(id), "unreviewed");
  await page.close();
});

test("an analyst reads the search as charts: a bar segment and a country narrow it", async () => {
  const page = await context.newPage();
  await signIn(page, ANALYST);
  await page.goto(`${base}/?q=cooperative`);
  const before = Number(await page.textContent("strong.total"));
  const bars = page.locator("figure.chart.stacked[data-counted=items] svg[role=img]");
  assert.equal(await bars.count(), 1, "the months' bars are drawn");
  assert.match(await bars.locator("title").first().textContent(), /Items per month/);
  await shot(page, "6-charts");

  // A segment: the search narrowed to its month and its theme.
  const segment = page.locator("figure.chart.stacked[data-counted=items] g.bars a").first();
  const month = await segment.getAttribute("data-month");
  const theme = await segment.getAttribute("data-value");
  await Promise.all([page.waitForURL(/from=.*to=/), segment.click()]);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get("q"), "cooperative", "the query is kept");
  assert.equal(url.searchParams.get("from"), `${month}-01`);
  assert.ok(url.searchParams.get("to").startsWith(month));
  if (theme !== "other") assert.equal(url.searchParams.get("theme"), theme);
  const narrowed = Number(await page.textContent("strong.total"));
  assert.ok(narrowed >= 1 && narrowed <= before, `${narrowed} of ${before}`);

  // Split by language, then a country on the map.
  await page.goto(`${base}/?q=cooperative&chart=lang`);
  assert.equal(await page.getAttribute("figure.chart.stacked[data-counted=items]", "data-chart"), "lang");
  const country = page.locator("figure.world-map g.countries a").first();
  const code = await country.getAttribute("data-code");
  await Promise.all([page.waitForURL(new RegExp(`country=${code}`)), country.click()]);
  assert.ok(page.url().includes("chart=lang"), "the chart's choice is kept");
  assert.equal(await page.getAttribute("section.facet[data-facet=country] li.active a", "data-value"), code);
  await shot(page, "7-map-narrowed");

  // The sources page: each source's weeks, as bars and as a table.
  await page.goto(`${base}/sources`);
  const weekly = page.locator("table.sources td.weeks figure.weekly");
  assert.ok((await weekly.count()) >= 1);
  assert.match(await weekly.first().locator("summary").textContent(), /table/);
  await shot(page, "8-sources-weeks");
  await page.close();
});

test("the pages follow the chosen language", async () => {
  const page = await context.newPage();
  await page.goto(`${base}/sources?ui=fr`);
  assert.equal(await page.getAttribute("html", "lang"), "fr");
  assert.match(await page.textContent("table.sources thead"), /Dernier succès/);
  // The choice is kept in a cookie.
  await page.goto(`${base}/`);
  assert.equal(await page.getAttribute("html", "lang"), "fr");
  await page.goto(`${base}/?ui=es`);
  assert.equal(await page.getAttribute("html", "lang"), "es");
  await page.close();
});

test("a curator makes a practice record from an approved item and saves its form", async () => {
  const page = await context.newPage();
  await signIn(page, CURATOR);
  // Approve the first card of the queue, then open its page.
  await page.goto(`${base}/queue`);
  const id = await page.locator("section.card:not([hidden])").getAttribute("data-id");
  await page.keyboard.press("a");
  await page.locator(`section.card[data-id="${id}"][data-status=approved]`).waitFor({ state: "attached" });
  await page.goto(`${base}/items/${id}?ui=fr`);
  // The form of an approved item files a record and opens it.
  await Promise.all([page.waitForURL(/\/practices\/p[0-9]+/), page.click("form.make-practice button")]);
  const version = Number(await page.getAttribute("article.practice", "data-version"));
  assert.equal(version, 1);
  assert.ok((await page.locator("table.field-languages").count()) === 1, "the fields by language");
  await shot(page, "practice-1-drafted");
  // Save the form: a new name, a French challenge, an English translation.
  await page.fill("form.practice-form input[name=name]", "Coopérative d'habitants");
  await page.selectOption("form.practice-form select[name=status]", "published");
  await page.fill("form.practice-form input[name=new_lang]", "en");
  await page.fill("form.practice-form textarea[name='new:challenge']", "Housing that people can afford.");
  await Promise.all([page.waitForURL(/saved=1/), page.click("form.practice-form button[type=submit]")]);
  assert.equal((await page.textContent("article.practice h1")).trim(), "Coopérative d'habitants");
  assert.equal(await page.getAttribute("article.practice", "data-status"), "published");
  assert.equal(Number(await page.getAttribute("article.practice", "data-version")), 2);
  assert.match(await page.textContent("section.field[data-field=challenge][lang=en]"), /Housing that people can afford/);
  await shot(page, "practice-2-saved");
  // Listed, in French.
  await page.goto(`${base}/practices?ui=fr`);
  assert.match(await page.textContent("main h1"), /Pratiques/);
  assert.ok((await page.locator("table.practices tbody tr").count()) >= 1);
  await page.close();
});

test("a curator assembles a transfer kit from its forms, publishes it, and its public page and PDF follow", async () => {
  const page = await context.newPage();
  await signIn(page, CURATOR);
  await page.goto(`${base}/kits?ui=fr`);
  assert.match(await page.textContent("main h1"), /Kits de transfert/);
  await page.fill("section.new-kit input[name='title:fr']", "Logement coopératif en ville");
  await Promise.all([page.waitForURL(/\/kits\/k[0-9]+$/), page.click("section.new-kit button[type=submit]")]);
  // The practice record made above, added with a note, and the kit published.
  const practice = await page.locator("select[name=add] option").nth(1).getAttribute("value");
  await page.selectOption("select[name=add]", practice);
  await page.fill("textarea[name='add_note:fr']", "Un modèle pour d'autres villes.");
  await Promise.all([page.waitForURL(/saved=1/), page.click("form.kit-form button[name=publish]")]);
  assert.equal(await page.getAttribute("article.kit-edit", "data-status"), "published");
  assert.equal(await page.locator("ol.kit-practices li").count(), 1);
  await shot(page, "kit-1-published");
  // Its public page, in French, and its PDF.
  const id = await page.getAttribute("article.kit-edit", "data-id");
  await page.goto(`${base}/portal/fr/kits/${id}`);
  assert.match(await page.textContent("article.kit h1"), /Logement coopératif en ville/);
  assert.match(await page.textContent("li.practice p.note"), /Un modèle pour d'autres villes/);
  await shot(page, "kit-2-public");
  const pdf = await fetch(`${base}/api/kits/${id}/kit.pdf?lang=fr`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get("content-type"), "application/pdf");
  assert.ok((await pdf.arrayBuffer()).byteLength > 10_000);
  await page.close();
});

test("a partner's colleague submits a practice on the public form, in Spanish, and follows its receipt", async () => {
  const page = await context.newPage();
  await page.goto(`${base}/submit?ui=es`);
  assert.equal(await page.getAttribute("html", "lang"), "es");
  await page.check("form.submission input[name=kind][value=practice]");
  await page.fill("form.submission textarea[name=text]", "Una cooperativa de vivienda en cesión de uso en Barcelona, <b>gestionada</b> por sus socias.");
  await page.fill("form.submission input[name=name]", "Cooperativa de vivienda");
  await page.fill("form.submission input[name=place]", "Barcelona");
  await Promise.all([page.waitForLoadState("load"), page.click("form.submission button[type=submit]")]);
  const receipt = (await page.textContent("p.receipt code")).trim();
  assert.match(receipt, /^[0-9a-f]{32}$/);
  await shot(page, "submit-1-received");
  await Promise.all([page.waitForURL(new RegExp(`/submissions/${receipt}`)), page.click(`a[href^='/submissions/${receipt}']`)]);
  assert.equal(await page.getAttribute("dd[data-status]", "data-status"), "received");
  await page.close();
});

/** A call of the API as the portal's curator; throws on an error status. */
async function api(method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${PORTAL_TOKEN}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** Files a record from `item`, then gives it `fields` (status included). */
async function fileRecord(item, name, fields) {
  const p = await api("POST", "/api/practices", { items: [item], name });
  if (Object.keys(fields).length === 0) return p;
  return api("PATCH", `/api/practices/${p.id}`, { version: p.version, ...fields });
}

/** axe-core's serious and critical violations on the open page. */
async function seriousViolations(page) {
  await page.evaluate(AXE);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

async function portalShot(page, name) {
  if (PORTAL_SHOTS) await page.screenshot({ path: join(PORTAL_SHOTS, `${name}.png`) });
}

/** A record's challenge and approach in English, French and Spanish. */
const texts = (en, fr, es) => [
  { field: "challenge", lang: "en", text: en[0], reviewed: true },
  { field: "approach", lang: "en", text: en[1], reviewed: true },
  { field: "challenge", lang: "fr", text: fr[0], reviewed: true },
  { field: "approach", lang: "fr", text: fr[1], reviewed: true },
  { field: "challenge", lang: "es", text: es[0], reviewed: true },
  { field: "approach", lang: "es", text: es[1], reviewed: true },
];

test("the public portal shows the published records only, in English and French, and passes axe-core", async () => {
  // The records: two published, a draft, a withdrawn one.
  const hits = (await api("GET", "/api/search?per_page=10")).hits.map((h) => h.id);
  for (const id of hits.slice(0, 4)) await api("POST", `/api/items/${id}/review`, { decision: "approve" });
  const lyon = await fileRecord(hits[0], "Lyon housing cooperative", {
    status: "published",
    themes: ["T1", "T3"],
    start_year: 2016,
    places: [{ name: "Lyon", country: "FR", lat: 45.76, lon: 4.84 }],
    texts: texts(
      ["Housing in Lyon costs more than families can pay.", "The city leases land to a cooperative of residents, who build and share the homes."],
      ["Se loger à Lyon coûte plus que ce que les familles peuvent payer.", "La ville loue un terrain à une coopérative d'habitants, qui construit et partage les logements."],
      ["La vivienda en Lyon cuesta más de lo que las familias pueden pagar.", "La ciudad cede un terreno a una cooperativa de vecinos, que construye y comparte las viviendas."],
    ),
  });
  const bilbao = await fileRecord(hits[1], "Bilbao social market", {
    status: "published",
    themes: ["T1"],
    places: [{ name: "Bilbao", country: "ES", lat: 43.26, lon: -2.93 }],
  });
  const draft = await fileRecord(hits[2], "Unpublished draft record", { themes: ["T1"] });
  const withdrawn = await fileRecord(hits[3], "Withdrawn record", {
    status: "published",
    themes: ["T1"],
    places: [{ name: "Seoul", country: "KR", lat: 37.57, lon: 126.98 }],
  });
  await api("PATCH", `/api/practices/${withdrawn.id}`, { version: withdrawn.version, status: "withdrawn" });
  // A published transfer kit of the two published records, and a draft one.
  const kit = await api("POST", "/api/kits", {
    title: { en: "Municipal support for housing cooperatives", fr: "Le soutien municipal aux coopératives d'habitation" },
    introduction: { en: "Two cities that lease land to cooperatives.", fr: "Deux villes qui louent du terrain à des coopératives." },
    status: "published",
    practices: [
      { practice_id: lyon.id, note: { en: "Land leased for 99 years.", fr: "Un terrain loué pour 99 ans." } },
      { practice_id: bilbao.id, note: { en: "A market run by its members.", fr: "Un marché tenu par ses membres." } },
    ],
  });
  const draftKit = await api("POST", "/api/kits", { title: { en: "Unpublished draft kit" }, practices: [] });
  const hidden = ["Unpublished draft record", "Withdrawn record", "Unpublished draft kit"];

  const page = await context.newPage();
  // The root sends the visitor to their language (the browser's is en-GB).
  await page.goto(`${base}/portal/`);
  assert.equal(page.url(), `${base}/portal/en/`);

  for (const lang of ["en", "fr"]) {
    // Home → theme → record → map, by the links a reader clicks.
    await page.goto(`${base}/portal/${lang}/`);
    assert.equal(await page.getAttribute("html", "lang"), lang);
    assert.equal(await page.locator("script:not([type='application/ld+json'])").count(), 0, "no script");
    assert.match(await page.textContent("main"), /Lyon housing cooperative/);
    await Promise.all([
      page.waitForURL(`${base}/portal/${lang}/themes/T1`),
      page.click(`ul.themes a[href="/portal/${lang}/themes/T1"]`),
    ]);
    const cards = await page.locator("ul.cards h3").allTextContents();
    assert.deepEqual(cards.sort(), ["Bilbao social market", "Lyon housing cooperative"]);
    await Promise.all([
      page.waitForURL(`${base}/portal/${lang}/practices/${lyon.id}`),
      page.locator("ul.cards h3 a", { hasText: "Lyon housing cooperative" }).click(),
    ]);
    assert.equal((await page.textContent("main h1")).trim(), "Lyon housing cooperative");
    const approach = lang === "fr" ? /La ville loue un terrain/ : /The city leases land/;
    assert.match(await page.textContent("main"), approach);
    const ld = JSON.parse(await page.textContent("script[type='application/ld+json']"));
    assert.equal(ld.name, "Lyon housing cooperative");
    assert.equal(await page.locator(`link[rel=alternate][hreflang=fr]`).count(), 1);
    await Promise.all([page.waitForURL(`${base}/portal/${lang}/map`), page.click(`header a[href="/portal/${lang}/map"]`)]);
    const countries = await page.locator("table.countries tbody tr").count();
    assert.equal(countries, 2, "France and Spain");
    // → the kits → a kit, and its PDF.
    await Promise.all([page.waitForURL(`${base}/portal/${lang}/kits`), page.click(`header a[href="/portal/${lang}/kits"]`)]);
    await Promise.all([
      page.waitForURL(`${base}/portal/${lang}/kits/${kit.id}`),
      page.click(`main a[href="/portal/${lang}/kits/${kit.id}"]`),
    ]);
    const kitTitle = lang === "fr" ? /Le soutien municipal aux coopératives d'habitation/ : /Municipal support for housing cooperatives/;
    assert.match(await page.textContent("article.kit h1"), kitTitle);
    assert.deepEqual(await page.locator("li.practice h3").allTextContents(), ["Lyon housing cooperative", "Bilbao social market"]);
    assert.match(await page.textContent("li.practice p.note"), lang === "fr" ? /Un terrain loué pour 99 ans/ : /Land leased for 99 years/);
    const pdfHref = await page.getAttribute("section.downloads a[href*='kit.pdf']", "href");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(`section.downloads a[href*='kit.pdf']`)]);
    const pdf = readFileSync(await download.path());
    assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-", pdfHref);
    assert.ok(pdf.byteLength > 10_000, `${pdfHref}: ${pdf.byteLength} bytes`);
    assert.equal((await page.goto(`${base}/portal/${lang}/kits/${draftKit.id}`)).status(), 404, "a draft kit");

    // Nothing unpublished, even at a guessed address.
    for (const p of [draft, withdrawn]) {
      const res = await page.goto(`${base}/portal/${lang}/practices/${p.id}`);
      assert.equal(res.status(), 404, `${p.id} in ${lang}`);
    }
    for (const path of ["/", "/themes/T1", "/countries/FR", "/map", "/search?q=record", "/feed.atom", "/kits", `/kits/${kit.id}`]) {
      await page.goto(`${base}/portal/${lang}${path}`);
      const body = await page.content();
      for (const name of hidden) assert.ok(!body.includes(name), `${lang}${path} shows ${name}`);
    }
    assert.equal((await page.goto(`${base}/portal/${lang}/countries/KR`)).status(), 404);
  }

  // axe-core on every portal page in every language (and the screenshots
  // of the home, a record and the map).
  const shots = { "/": "home", [`/practices/${lyon.id}`]: "practice", "/map": "map", [`/kits/${kit.id}`]: "kit" };
  for (const lang of ["en", "fr", "es", "ko"]) {
    for (const path of [
      "/",
      "/themes/T1",
      "/countries/ES",
      `/practices/${lyon.id}`,
      `/practices/${bilbao.id}`,
      "/search",
      "/search?q=cooperative",
      "/map",
      "/kits",
      `/kits/${kit.id}`,
      "/nothing-here",
    ]) {
      await page.goto(`${base}/portal/${lang}${path}`);
      assert.equal(await page.getAttribute("html", "lang"), lang);
      const violations = await seriousViolations(page);
      assert.deepEqual(violations, [], `axe-core on /portal/${lang}${path}`);
      if (shots[path]) await portalShot(page, `portal-${shots[path]}-${lang}`);
    }
  }
  await page.close();
});
