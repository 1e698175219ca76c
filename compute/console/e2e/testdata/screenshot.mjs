// Opens a noVNC console URL in headless chromium, waits until the page
// says it is connected and the guest's screen is drawn, and saves a
// screenshot. Usage: node screenshot.mjs PLAYWRIGHT_INDEX_MJS URL OUT.png
const [playwright, url, out] = process.argv.slice(2);
const { chromium } = await import(playwright);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  page.on("pageerror", (e) => console.log("pageerror:", e.message));
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById("status")?.textContent.startsWith("Connected"), null, { timeout: 30000 });
  // the framebuffer has more than one colour once the guest's screen is drawn
  await page.waitForFunction(() => {
    const c = document.querySelector("#screen canvas");
    if (!c || c.width === 0) return false;
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    for (let i = 4; i < d.length; i += 4) if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) return true;
    return false;
  }, null, { timeout: 30000, polling: 500 });
  await page.screenshot({ path: out });
  const size = await page.evaluate(() => { const c = document.querySelector("#screen canvas"); return c.width + "x" + c.height; });
  console.log("status:", await page.textContent("#status"), "screen:", size);
} finally {
  await browser.close();
}
