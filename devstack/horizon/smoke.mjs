// Horizon smoke test: a member user logs in, opens the project pages, and
// (with HORIZON_LAUNCH=1) launches an instance from an image through the
// Launch Instance wizard, waits for it to be Active, opens its console log
// tab and deletes it; an admin opens the Hypervisors page. Every page is
// checked for Horizon's error pages and saved as a screenshot in OUT_DIR.
//
// Environment: HORIZON_URL, MEMBER_USER, MEMBER_PASSWORD, ADMIN_USER,
// ADMIN_PASSWORD, OUT_DIR, CHROMIUM (default /usr/bin/chromium),
// HORIZON_LAUNCH (1 to launch), LAUNCH_IMAGE, LAUNCH_FLAVOR, LAUNCH_NETWORK,
// EXPECT_IMAGE, EXPECT_VOLUME (names that must show on their pages).
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const env = (name, def) => {
  const v = process.env[name] ?? def;
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};
const base = env("HORIZON_URL").replace(/\/$/, "");
const out = env("OUT_DIR");
mkdirSync(out, { recursive: true });

let step = 0;
const results = [];

async function shot(page, name) {
  step += 1;
  const file = join(out, `${String(step).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// checkPage fails on Horizon's error pages and on error toasts.
async function checkPage(page, name) {
  const title = await page.title();
  const body = await page.locator("body").innerText();
  if (/Server error|Something went wrong|Page Not Found|Forbidden \(403\)/i.test(title + "\n" + body.slice(0, 2000))) {
    await shot(page, `${name}-error`);
    throw new Error(`${name}: Horizon shows an error page (title "${title}")`);
  }
  const errors = await page.locator(".alert-danger, .messages .alert-error").allInnerTexts();
  if (errors.length > 0) {
    await shot(page, `${name}-error`);
    throw new Error(`${name}: Horizon shows an error: ${errors.join(" | ")}`);
  }
}

// open loads path, checks it and saves a screenshot. A page that fails is
// loaded again a few times before the test fails: on the shared dev cloud a
// daemon restarts now and then (make dev), and Horizon shows the refused
// connection as an error for that one request. A persistent error fails.
async function open(page, path, name, expectText, tries = 4) {
  for (let i = 1; ; i++) {
    try {
      await openOnce(page, path, name, expectText);
      return;
    } catch (err) {
      if (i >= tries) throw err;
      console.log(`retry ${name} (${i}/${tries - 1}): ${err.message.split("\n")[0]}`);
      await page.waitForTimeout(5000);
    }
  }
}

async function openOnce(page, path, name, expectText) {
  const resp = await page.goto(base + path, { waitUntil: "networkidle" });
  if (!resp || resp.status() >= 400) {
    await shot(page, `${name}-http-error`);
    throw new Error(`${name}: GET ${path} answered ${resp ? resp.status() : "nothing"}`);
  }
  await checkPage(page, name);
  if (expectText) {
    await page.getByText(expectText, { exact: false }).first().waitFor({ timeout: 30000 });
  }
  results.push({ page: name, screenshot: await shot(page, name) });
}

async function login(page, user, password) {
  await page.goto(base + "/auth/login/", { waitUntil: "networkidle" });
  await page.fill("#id_username", user);
  await page.fill("#id_password", password);
  await Promise.all([page.waitForNavigation({ waitUntil: "networkidle" }), page.click("#loginBtn")]);
  if (page.url().includes("/auth/login")) {
    await shot(page, `login-${user}-failed`);
    const err = await page.locator(".alert-danger, .error").allInnerTexts();
    throw new Error(`login as ${user} failed: ${err.join(" | ") || "still on the login page"}`);
  }
  await checkPage(page, `login-${user}`);
}

// available is the allocate button of the row naming text in the current
// wizard step's Available table (each step has its own transfer table; the
// other steps' are hidden).
function available(wizard, text) {
  return wizard.locator(".transfer-available:visible tr", { hasText: text }).locator("button.btn-default").first();
}

async function launchInstance(page, name, image, flavor, network) {
  await open(page, "/project/instances/", "instances-before-launch");
  await page.click("#instances__action_launch-ng");
  const wizard = page.locator(".modal-dialog");
  await wizard.waitFor();
  await wizard.locator("#name").fill(name);
  // Source: boot from image, no new volume, then allocate the image.
  await wizard.getByText("Source", { exact: true }).click();
  const newVolumeNo = wizard.locator("label.btn", { hasText: "No" }).first();
  if (await newVolumeNo.isVisible()) await newVolumeNo.click();
  await available(wizard, image).click();
  await wizard.getByText("Flavor", { exact: true }).click();
  await available(wizard, flavor).click();
  await shot(page, "launch-wizard-flavor");
  // Networks: Horizon allocates the only network there is; otherwise move
  // the wanted one from Available to Allocated.
  await wizard.getByText("Networks", { exact: true }).first().click();
  const allocated = wizard.locator(".transfer-allocated:visible tr", { hasText: network });
  if ((await allocated.count()) === 0) {
    await available(wizard, network).click();
  }
  await allocated.first().waitFor({ timeout: 10000 });
  await shot(page, "launch-wizard-network");
  // Security Groups: Horizon allocates the project's "default" group and
  // sends its ID, which Nova resolves through the network service; the
  // launch keeps that choice.
  await wizard.getByText("Security Groups", { exact: true }).first().click();
  await wizard.locator(".transfer-allocated:visible tr", { hasText: "default" }).first().waitFor({ timeout: 10000 });
  await shot(page, "launch-wizard-security-groups");
  await wizard.locator("button.finish").click();
  await wizard.waitFor({ state: "detached", timeout: 60000 });
  // Wait for Active in the instances table.
  const row = page.locator("tr", { hasText: name });
  for (let i = 0; i < 60; i++) {
    await page.goto(base + "/project/instances/", { waitUntil: "networkidle" });
    const text = (await row.count()) > 0 ? await row.first().innerText() : "";
    if (/Active/.test(text)) break;
    if (/Error/.test(text)) {
      await shot(page, "instance-error");
      throw new Error(`instance ${name} went to Error: ${text}`);
    }
    await page.waitForTimeout(2000);
  }
  await open(page, "/project/instances/", "instance-active", name);
  const rowText = await row.first().innerText();
  if (!/Active/.test(rowText)) throw new Error(`instance ${name} is not Active: ${rowText}`);
  // Console log tab of the instance.
  await row.first().locator("a", { hasText: name }).click();
  await page.waitForLoadState("networkidle");
  await page.getByText("Log", { exact: true }).click();
  await page.locator("pre.logs, #console_log pre").first().waitFor({ timeout: 30000 });
  results.push({ page: "instance-log", screenshot: await shot(page, "instance-log") });
  // Delete it.
  await page.goto(base + "/project/instances/", { waitUntil: "networkidle" });
  // The row's actions menu: Delete Instance.
  await row.first().locator(".dropdown-toggle").first().click();
  await row.first().locator("[id$='__action_delete']").first().click();
  await page.locator(".modal-dialog .btn-danger, .modal-footer .btn-primary").first().click();
  for (let i = 0; i < 30 && (await row.count()) > 0; i++) {
    await page.waitForTimeout(2000);
    await page.goto(base + "/project/instances/", { waitUntil: "networkidle" });
  }
  if ((await row.count()) > 0) throw new Error(`instance ${name} was not deleted`);
  results.push({ page: "instance-deleted", screenshot: await shot(page, "instance-deleted") });
}

const browser = await chromium.launch({
  executablePath: env("CHROMIUM", "/usr/bin/chromium"),
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
try {
  const member = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await member.newPage();
  await login(page, env("MEMBER_USER"), env("MEMBER_PASSWORD"));
  await open(page, "/project/", "overview", "Limit Summary");
  await open(page, "/project/images", "images", process.env.EXPECT_IMAGE || undefined);
  await open(page, "/project/volumes/", "volumes", process.env.EXPECT_VOLUME || undefined);
  await open(page, "/project/instances/", "instances");
  await open(page, "/project/key_pairs", "key-pairs");
  if (process.env.HORIZON_LAUNCH === "1") {
    await launchInstance(page, `horizon-smoke-${Date.now()}`, env("LAUNCH_IMAGE"), env("LAUNCH_FLAVOR"), env("LAUNCH_NETWORK", "private"));
  }
  await member.close();

  const admin = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const apage = await admin.newPage();
  await login(apage, env("ADMIN_USER"), env("ADMIN_PASSWORD"));
  if (process.env.HORIZON_HYPERVISORS !== "0") {
    await open(apage, "/admin/hypervisors/", "admin-hypervisors");
  }
  await admin.close();
  for (const r of results) console.log(`ok ${r.page} ${r.screenshot}`);
} catch (err) {
  for (const r of results) console.log(`ok ${r.page} ${r.screenshot}`);
  console.error(`FAIL ${err.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
