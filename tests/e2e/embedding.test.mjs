// End-to-end: the console embedded in a host page (Switchboard.mount into a portal's element, following the
// element's size) and inside an iframe. Real server, real console, real browsers, real input.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { launch, newPage, browsersToTest } from './lib/browsers.mjs';
import { waitForState, waitForItem, clickItem, typeInto, press, screenshot, saveArtifact } from './lib/console.mjs';

const TEST = 'embedding';

// The console helpers drive `page`; this gives them an iframe's console: evaluation in the frame, and mouse
// coordinates moved by the iframe's position in the page.
async function framedConsole(page, frameElementSelector) {
  const handle = await page.waitForSelector(frameElementSelector);
  const frame = await handle.contentFrame();
  const offset = async () => {
    const box = await handle.boundingBox();
    // The iframe's border is 1 px (portal/framed.html).
    return { x: box.x + 1, y: box.y + 1 };
  };
  return {
    frame,
    evaluate: (...a) => frame.evaluate(...a),
    waitForFunction: (...a) => frame.waitForFunction(...a),
    keyboard: page.keyboard,
    mouse: {
      move: async (x, y, o) => { const d = await offset(); return page.mouse.move(x + d.x, y + d.y, o); },
      click: async (x, y, o) => { const d = await offset(); return page.mouse.click(x + d.x, y + d.y, o); },
    },
    e2eLog: page.e2eLog,
    screenshot: (o) => page.screenshot(o),
  };
}

async function logIn(target, login, password, name) {
  await waitForState(target, (s) => s.connection === 'connected', 30_000);
  await typeInto(target, 'login.login', login);
  await typeInto(target, 'login.password', password);
  await press(target, 'Enter');
  const s = await waitForState(target, `s => s.agent !== null && s.agent.name === ${JSON.stringify(name)}`);
  assert.equal(s.agent.login, login);
}

for (const browserName of browsersToTest()) {
  describe(`${TEST} (${browserName})`, { timeout: 240_000 }, () => {
    let server;
    let browser;
    let page;

    before(async () => {
      server = await startServer();
      browser = await launch(browserName);
      page = await newPage(browser);
    });

    after(async () => {
      if (page?.e2eLog) await saveArtifact(`${TEST}-${browserName}.page.log`, page.e2eLog.join('\n')).catch(() => {});
      await browser?.close().catch(() => {});
      await server?.stop().catch(() => {});
    });

    it('mounts into a portal element and follows its size', async () => {
      await page.goto(`${server.url}/portal/`, { waitUntil: 'load' });
      await page.waitForFunction(() => window.switchboard && window.switchboard.ready === true, { timeout: 60_000 });
      await logIn(page, 'alice', 'alice-demo', 'Alice Rossi');

      // The status switch is right-aligned: when the host element narrows, the console follows it.
      const before = await waitForItem(page, 'status.toggle'); // drawn on a frame after the login's state
      const host = await page.evaluate(() => document.getElementById('agent-console').getBoundingClientRect().right);
      assert.ok(before.x + before.w <= host, 'the console draws inside its element');
      await page.evaluate(() => { document.getElementById('agent-console').style.width = '640px'; });
      await page.waitForFunction((oldX) => {
        const r = window.switchboard.locate('status.toggle');
        const box = document.getElementById('agent-console').getBoundingClientRect();
        return r !== null && r.x < oldX && r.x + r.w <= box.right;
      }, { timeout: 20_000, polling: 50 }, before.x);
      await clickItem(page, 'status.toggle');
      await waitForState(page, (s) => s.agent !== null && s.agent.status === 'ready');
      await screenshot(page, `${TEST}-portal`, browserName);
    });

    it('works inside an iframe', async () => {
      await page.goto(`${server.url}/portal/framed.html`, { waitUntil: 'load' });
      const framed = await framedConsole(page, '#console-frame');
      await framed.waitForFunction(() => window.switchboard && window.switchboard.ready === true, { timeout: 60_000 });
      await logIn(framed, 'bruno', 'bruno-demo', 'Bruno Bianchi');
      await clickItem(framed, 'status.toggle');
      await waitForState(framed, (s) => s.agent !== null && s.agent.status === 'ready');
      await screenshot(page, `${TEST}-iframe`, browserName);
    });
  });
}
