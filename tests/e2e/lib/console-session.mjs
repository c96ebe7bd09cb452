// Console-side steps shared by the contact tests: log an agent in through the real UI, become ready, hover.
import { openConsole, waitForState, waitForItem, clickItem, typeInto, press } from './console.mjs';

/** Opens the console, logs `login` in through the login form and switches to Ready. */
// The page is brought to the front first: a background tab gets no animation frames (Firefox), so the console
// would not draw and clicks would find nothing.
export async function loginReady(page, serverUrl, login, password = `${login}-demo`) {
  await page.bringToFront();
  await openConsole(page, serverUrl);
  await waitForState(page, (s) => s.connection === 'connected', 30_000);
  await typeInto(page, 'login.login', login);
  await typeInto(page, 'login.password', password);
  await press(page, 'Enter');
  await waitForState(page, `s => s.agent !== null && s.agent.login === ${JSON.stringify(login)}`);
  await clickItem(page, 'status.toggle');
  await waitForState(page, (s) => s.agent !== null && s.agent.status === 'ready');
}

/** Moves the real mouse over a named item (e.g. the waiting area, which opens the pending drawer). */
export async function hoverItem(page, name) {
  const r = await waitForItem(page, name);
  await page.mouse.move(r.x + r.w / 2, r.y + r.h / 2);
  return r;
}

/** A new page in a separate browser context (its own cookies and storage), or in a new browser if needed. */
export async function isolatedPage(browser, launchAnother) {
  try {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    if (browser.e2eViewport) await page.setViewport(browser.e2eViewport);
    const log = [];
    page.e2eLog = log;
    page.on('console', (msg) => log.push(`[console.${msg.type()}] ${msg.text()}`));
    page.on('pageerror', (err) => log.push(`[pageerror] ${err && err.message ? err.message : err}`));
    return { page, close: () => context.close().catch(() => {}) };
  } catch {
    const other = await launchAnother();
    const pages = await other.pages();
    const page = pages.length ? pages[0] : await other.newPage();
    if (other.e2eViewport) await page.setViewport(other.e2eViewport);
    page.e2eLog = [];
    return { page, close: () => other.close() };
  }
}
