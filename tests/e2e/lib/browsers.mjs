// Browser launching for the end-to-end tests: Debian's chromium and firefox-esr driven by puppeteer-core
// (Chromium over CDP, Firefox over WebDriver BiDi). Never downloads a browser.
//
// Arguments and preferences follow ARCHITECTURE.md, section "Toolchain facts". Run under xvfb-run (see
// tests/e2e/run): Firefox has WebGL only with an X server, even headless.
//
// Firefox-via-puppeteer (WebDriver BiDi) quirks met so far, see also the notes in console.mjs:
//  - puppeteer always adds the pref fission.webContentIsolationStrategy=0 (single content process) so that
//    mouse events can be dispatched; nothing to do on our side.
//  - When userDataDir is given, puppeteer treats the profile as the caller's (it only restores prefs.js /
//    user.js on close and does not delete it), so we delete the whole temp profile ourselves after close().
//  - defaultViewport is not applied to the initial tab (only to browser.newPage() pages): newPage() below
//    sets it explicitly, else the Firefox page is 1366x682 while Chromium's is 1280x800.
//  - page.keyboard.press('Control+A') is not a chord in puppeteer (either browser): "Unknown key"; use
//    chord() from console.mjs (down/press/up).
//  - keyboard.type() of non-ASCII characters: Firefox sends keydown/keypress/beforeinput/input with the
//    character as key; Chromium sends no key events at all for them, only beforeinput/input (insertText). A
//    console must therefore take text from input events (hidden textarea), not from keydown/keypress.
//  - page.screenshot() goes through browsingContext.captureScreenshot, a compositor capture, so WebGL
//    canvases show up without preserveDrawingBuffer (checked with a throwaway WebGL2 page).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

export const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.autoplay.default': 0,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
};

export const DEFAULT_VIEWPORT = { width: 1280, height: 800, deviceScaleFactor: 1 };

const EXECUTABLES = {
  chromium: process.env.E2E_CHROMIUM || '/usr/bin/chromium',
  firefox: process.env.E2E_FIREFOX || '/usr/bin/firefox-esr',
};

/** Browsers to run the tests in: env E2E_BROWSERS (comma separated), default chromium and firefox. */
export function browsersToTest() {
  const raw = process.env.E2E_BROWSERS;
  const list = (raw && raw.trim() ? raw.split(',') : ['chromium', 'firefox'])
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const name of list) {
    if (!(name in EXECUTABLES)) {
      throw new Error(`E2E_BROWSERS: unknown browser '${name}' (known: ${Object.keys(EXECUTABLES).join(', ')})`);
    }
  }
  return [...new Set(list)];
}

/**
 * Launches 'chromium' or 'firefox' headless with a fresh temporary profile.
 * Returns the puppeteer Browser; its close() also removes the profile directory.
 * options: {viewport, args (extra browser args), prefs (extra Firefox prefs), dumpio, timeout}
 */
export async function launch(name, options = {}) {
  const executablePath = EXECUTABLES[name];
  if (!executablePath) throw new Error(`launch: unknown browser '${name}'`);
  try {
    await fs.access(executablePath);
  } catch {
    throw new Error(`launch: ${executablePath} not found (install Debian's ${name === 'firefox' ? 'firefox-esr' : 'chromium'})`);
  }
  if (name === 'firefox' && !process.env.DISPLAY) {
    // Headless Firefox without an X server has no WebGL at all; fail early with the reason.
    throw new Error('launch(firefox): no DISPLAY; run the e2e tests under xvfb-run (tests/e2e/run)');
  }
  const userDataDir = await fs.mkdtemp(path.join(os.tmpdir(), `switchboard-e2e-${name}-`));
  const common = {
    headless: true,
    executablePath,
    userDataDir,
    defaultViewport: options.viewport || DEFAULT_VIEWPORT,
    dumpio: Boolean(options.dumpio || process.env.E2E_DUMPIO),
    timeout: options.timeout ?? 60_000, // launch timeout: 2 shared cores, software GL
    protocolTimeout: options.protocolTimeout ?? 120_000,
  };
  let browser;
  try {
    if (name === 'chromium') {
      browser = await puppeteer.launch({
        ...common,
        browser: 'chrome',
        args: [...CHROMIUM_ARGS, ...(options.args || [])],
      });
    } else {
      browser = await puppeteer.launch({
        ...common,
        browser: 'firefox',
        args: [...(options.args || [])],
        extraPrefsFirefox: { ...FIREFOX_PREFS, ...(options.prefs || {}) },
      });
    }
  } catch (err) {
    await fs.rm(userDataDir, { recursive: true, force: true }).catch(() => {});
    throw err;
  }
  const originalClose = browser.close.bind(browser);
  let closed = false;
  browser.close = async () => {
    if (closed) return;
    closed = true;
    try {
      await originalClose();
    } catch {
      // The browser may already be gone; make sure the process is.
      try { browser.process()?.kill('SIGKILL'); } catch {}
    } finally {
      await fs.rm(userDataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 }).catch(() => {});
    }
  };
  browser.e2eName = name;
  browser.e2eViewport = common.defaultViewport;
  browser.userDataDir = userDataDir;
  return browser;
}

/**
 * Opens a new page (reusing the initial blank tab) and records the page's console messages and errors, so a
 * failing test can print them: page.e2eLog is an array of strings.
 */
export async function newPage(browser) {
  const pages = await browser.pages();
  const page = pages.length ? pages[0] : await browser.newPage();
  // Firefox (BiDi): puppeteer applies defaultViewport only to pages made by newPage(), not to the initial tab
  // (which stays at the window's size, 1366x682 here), so set it explicitly.
  if (browser.e2eViewport) await page.setViewport(browser.e2eViewport);
  const log = [];
  page.e2eLog = log;
  page.on('console', (msg) => log.push(`[console.${msg.type()}] ${msg.text()}`));
  page.on('pageerror', (err) => log.push(`[pageerror] ${err && err.message ? err.message : err}`));
  page.on('response', (res) => { if (res.status() >= 400) log.push(`[http ${res.status()}] ${res.url()}`); });
  page.on('requestfailed', (req) => log.push(`[requestfailed] ${req.url()} ${req.failure()?.errorText ?? ''}`));
  return page;
}
