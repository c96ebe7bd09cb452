// Driving the agent console only through its automation bridge (window.switchboard) and real input
// (puppeteer mouse and keyboard, which both browsers turn into trusted DOM events).
//
// Bridge contract (src/console automation bridge):
//   window.switchboard.ready         true once the console drew its first frame
//   window.switchboard.state()       {connection, agent: null|{id, login, name, status}, loginPending,
//                                     loginError, lastError, reconnectAttempt}
//   window.switchboard.locate(name)  {x, y, w, h} in CSS pixels relative to the viewport, or null when the
//                                     item is not on screen in the last frame
//
// Synchronisation is always page.waitForFunction with interval polling, never fixed sleeps. Interval (not
// 'raf') polling because the console may pause its main loop when idle and because evaluating state() on
// every animation frame would itself cost frame time on 2 shared cores.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts', 'e2e');

const POLL_MS = 50;
export const DEFAULT_TIMEOUT = Number(process.env.E2E_TIMEOUT_MS) || 20_000;

/** Opens `${serverUrl}/console/` and waits until the bridge reports the first frame. */
export async function openConsole(page, serverUrl, { timeout = 60_000 } = {}) {
  const url = `${serverUrl.replace(/\/$/, '')}/console/`;
  const response = await page.goto(url, { waitUntil: 'load', timeout });
  if (response && !response.ok()) {
    throw new Error(`openConsole: GET ${url} answered ${response.status()}`);
  }
  try {
    await page.waitForFunction(
      () => Boolean(window.switchboard && window.switchboard.ready === true),
      { timeout, polling: 100 },
    );
  } catch (err) {
    throw new Error(`openConsole: window.switchboard.ready not true after ${timeout} ms at ${url}` +
      `${describeLog(page)}\n(${err.message})`);
  }
}

/** The console's state as seen through the bridge. */
export async function state(page) {
  return page.evaluate(() => window.switchboard.state());
}

/**
 * Waits until predicate(state) is truthy; returns that state. predicate is a function (serialised to the page:
 * it must be self-contained) or the source text of one, e.g. "s => s.connection === 'connected'".
 * On timeout, throws with the predicate and the last state seen (and the page log).
 */
export async function waitForState(page, predicate, timeout = DEFAULT_TIMEOUT) {
  const source = typeof predicate === 'function' ? predicate.toString() : String(predicate);
  // The predicate text is spliced into the polled function's source rather than eval'ed in the page, so a
  // Content-Security-Policy without 'unsafe-eval' does not break it (puppeteer's own evaluation bypasses CSP).
  // A string given to waitForFunction is an expression evaluated at each poll, hence the call.
  const polled = `(() => {
    const sb = window.switchboard;
    if (!sb || sb.ready !== true) return false;
    const s = sb.state();
    return (${source})(s) ? s : false;
  })()`;
  try {
    const handle = await page.waitForFunction(polled, { timeout, polling: POLL_MS });
    const value = await handle.jsonValue();
    await handle.dispose().catch(() => {});
    return value;
  } catch (err) {
    let last;
    try { last = JSON.stringify(await state(page)); } catch (e) { last = `<state() failed: ${e.message}>`; }
    throw new Error(`waitForState: ${source} still false after ${timeout} ms; last state: ${last}` +
      `${describeLog(page)}\n(${err.message})`);
  }
}

/**
 * Waits until the named item is on screen, inside the viewport and at the same place in two consecutive polls
 * (an ImGui window can move or resize during its first frames), and returns its rect {x, y, w, h}.
 */
export async function waitForItem(page, name, timeout = DEFAULT_TIMEOUT) {
  try {
    const handle = await page.waitForFunction(
      (n) => {
        const sb = window.switchboard;
        if (!sb || sb.ready !== true) return false;
        const r = sb.locate(n);
        const prevs = (window.__e2eLocatePrev ||= {});
        const prev = prevs[n];
        prevs[n] = r ? JSON.stringify(r) : null;
        if (!r || !(r.w > 0) || !(r.h > 0)) return false;
        const cx = r.x + r.w / 2;
        const cy = r.y + r.h / 2;
        if (cx < 0 || cy < 0 || cx >= window.innerWidth || cy >= window.innerHeight) return false;
        return prev === prevs[n] ? r : false;
      },
      { timeout, polling: POLL_MS },
      name,
    );
    const rect = await handle.jsonValue();
    await handle.dispose().catch(() => {});
    return rect;
  } catch (err) {
    let last;
    try { last = JSON.stringify(await page.evaluate((n) => window.switchboard.locate(n), name)); } catch (e) { last = `<locate() failed: ${e.message}>`; }
    let st;
    try { st = JSON.stringify(await state(page)); } catch { st = '?'; }
    throw new Error(`waitForItem: '${name}' not stably on screen after ${timeout} ms; last locate: ${last}; ` +
      `state: ${st}${describeLog(page)}\n(${err.message})`);
  }
}

/** Clicks the centre of the named item with the real mouse (waits until it is on screen). */
export async function clickItem(page, name, { timeout = DEFAULT_TIMEOUT } = {}) {
  const r = await waitForItem(page, name, timeout);
  const x = r.x + r.w / 2;
  const y = r.y + r.h / 2;
  // Move first, then press/release with the button held a little: ImGui sees hover, down and up on separate
  // frames even when the console is slow (software GL on shared cores).
  await page.mouse.move(x, y);
  await page.mouse.click(x, y, { delay: 50 });
  return r;
}

/**
 * Clicks the named field and types text into it (ASCII, and non-ASCII through the console's hidden textarea).
 */
export async function typeInto(page, name, text, { timeout = DEFAULT_TIMEOUT } = {}) {
  await clickItem(page, name, { timeout });
  await waitForTextFocus(page);
  await page.keyboard.type(text, { delay: 20 });
}

/**
 * After a click on a text field the console focuses its hidden <textarea> on its next frame. Keys typed before
 * reach the canvas, where the glue turns ASCII keys into text, but Chromium sends no key events for non-ASCII
 * characters (only input events, which a canvas never gets), so wait for the focus. Soft: if the console never
 * focuses an editable element, carry on after 2 s and let the typed text speak for itself.
 */
export async function waitForTextFocus(page, timeout = 2_000) {
  await page.waitForFunction(() => {
    const el = document.activeElement;
    return Boolean(el && (el.tagName === 'TEXTAREA' || el.tagName === 'INPUT' || el.isContentEditable));
  }, { timeout, polling: POLL_MS }).catch(() => {});
}

/** Presses one key, held for 50 ms so that ImGui sees it down for at least a frame. */
export async function press(page, key) {
  await page.keyboard.press(key, { delay: 50 });
}

/** Presses a chord such as ['Control', 'a']: modifiers down, key pressed, modifiers up. */
export async function chord(page, keys) {
  const mods = keys.slice(0, -1);
  const key = keys[keys.length - 1];
  for (const m of mods) await page.keyboard.down(m);
  try {
    await page.keyboard.press(key, { delay: 50 });
  } finally {
    for (const m of mods.reverse()) await page.keyboard.up(m);
  }
}

/**
 * Empties an ImGui text field whatever it contains: click it, End, then Backspace maxLength times. Only keys
 * every ImGui version handles in every field (password fields included) are used; no select-all shortcut,
 * which the browser may also act on and which depends on ConfigMacOSXBehaviors. Extra Backspaces on an empty
 * field do nothing, so this works whether or not the console already cleared the field.
 */
export async function clearField(page, name, maxLength, { timeout = DEFAULT_TIMEOUT } = {}) {
  await clickItem(page, name, { timeout });
  await waitForTextFocus(page);
  await press(page, 'End');
  for (let i = 0; i < maxLength; i++) await press(page, 'Backspace');
}

/** Resolves after the page has painted n more animation frames (frame synchronisation, not a sleep). */
export async function afterFrames(page, n = 1) {
  await page.evaluate((count) => new Promise((resolve) => {
    let left = count;
    const step = () => (--left <= 0 ? resolve() : requestAnimationFrame(step));
    requestAnimationFrame(step);
  }), n);
}

/** Saves a PNG to test-artifacts/e2e/<test>-<browser>.png (repo-relative) and returns its path. */
export async function screenshot(page, test, browserName) {
  await fs.mkdir(ARTIFACTS_DIR, { recursive: true });
  const safe = (s) => String(s).replace(/[^A-Za-z0-9._-]+/g, '_');
  const file = path.join(ARTIFACTS_DIR, `${safe(test)}-${safe(browserName)}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Removes test-artifacts/e2e/<test>-<browser>.* left by an earlier run (e.g. an old failure's files). */
export async function removeArtifacts(test, browserName) {
  const prefix = `${test}-${browserName}.`;
  const names = await fs.readdir(ARTIFACTS_DIR).catch(() => []);
  await Promise.all(names.filter((n) => n.startsWith(prefix))
    .map((n) => fs.rm(path.join(ARTIFACTS_DIR, n), { force: true })));
}

/** Writes text to test-artifacts/e2e/<name> and returns its path. */
export async function saveArtifact(name, text) {
  await fs.mkdir(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, name.replace(/[^A-Za-z0-9._-]+/g, '_'));
  await fs.writeFile(file, text);
  return file;
}

/**
 * What a failed test leaves to look at: a screenshot of `page` and test-artifacts/e2e/<test>-failure-<browser>.log
 * with the given sections in order. A section's value is a string, an object (written as JSON) or a function
 * returning either (awaited; if it throws, its error is written instead).
 */
export async function saveFailureArtifacts(test, browserName, page, sections) {
  const saved = [];
  try { saved.push(await screenshot(page, `${test}-failure`, browserName)); } catch {}
  try {
    const parts = [];
    for (const [title, value] of Object.entries(sections)) {
      let v;
      try { v = typeof value === 'function' ? await value() : value; } catch (e) { v = `<${title} failed: ${e.message}>`; }
      parts.push(`${title}:\n${typeof v === 'string' ? v : JSON.stringify(v, null, 2)}`);
    }
    saved.push(await saveArtifact(`${test}-failure-${browserName}.log`, parts.join('\n\n')));
  } catch {}
  if (saved.length) console.error(`failure artifacts: ${saved.join(', ')}`);
}

/** A page's console log, as saveFailureArtifacts writes it. */
export const pageLog = (page) => (page?.e2eLog || []).join('\n');
/** The frames a scripted client (lib/agent.mjs) received, one JSON per line. */
export const received = (client) => (client?.messages || []).map((m) => JSON.stringify(m)).join('\n');

function describeLog(page) {
  const log = page && page.e2eLog;
  if (!log || !log.length) return '';
  return `\npage log (last 20):\n  ${log.slice(-20).join('\n  ')}`;
}
