// End-to-end: the console's clipboard, with the real system clipboard of each browser. A visitor (the widget
// on the demo site, in another browser context) asks for a chat and Alice takes it. Text copied elsewhere on the
// page (a textarea, Ctrl+C) is pasted into the chat input with Ctrl+V, several lines and non-ASCII included, and
// sent: the visitor receives it exactly. Then text typed in the console's input is selected (Ctrl+A) and copied
// (Ctrl+C): navigator.clipboard.readText() gives it back.
//
// Chromium: the clipboard permissions are granted to the server's origin (overridePermissions). Firefox's
// WebDriver BiDi refuses them ('clipboard-read' is not a permission name there) and needs none: the page may
// read what it wrote itself, from a script run with user activation (puppeteer's evaluate).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { launch, newPage, browsersToTest } from './lib/browsers.mjs';
import {
  state, waitForState, clickItem, typeInto, waitForTextFocus, press, chord, screenshot, saveArtifact,
  removeArtifacts,
  saveFailureArtifacts, pageLog,
} from './lib/console.mjs';
import { loginReady, isolatedPage } from './lib/console-session.mjs';
import { openDemo, openWidget, chooseType, fillForm, submitForm, waitForWidget } from './lib/widget.mjs';

const TEST = 'console-clipboard';
const PASTED = 'Order 4711: two blue chairs\nDelivery to Città di Castello — ça va? 😀';
const COPIED = 'Your order ships on Monday';

for (const browserName of browsersToTest()) {
  describe(`${TEST} (${browserName})`, { timeout: 240_000 }, () => {
    let server;
    let browser;
    let page; // Alice's console
    let visitor; // the widget, in another browser context

    before(async () => {
      for (const s of ['pasted', 'failure']) await removeArtifacts(`${TEST}-${s}`, browserName);
      server = await startServer();
      browser = await launch(browserName);
      if (browserName === 'chromium') {
        await browser.defaultBrowserContext().overridePermissions(server.url,
          ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
      }
      page = await newPage(browser);
      visitor = await isolatedPage(browser, () => launch(browserName));
    });

    after(async () => {
      if (page?.e2eLog) await saveArtifact(`${TEST}-${browserName}.page.log`, page.e2eLog.join('\n')).catch(() => {});
      await visitor?.close().catch(() => {});
      await browser?.close().catch((e) => console.error(`closing ${browserName}: ${e.message}`));
      const exit = await server?.stop().catch((e) => console.error(`stopping the server: ${e.message}`));
      if (server) await saveArtifact(`${TEST}-${browserName}.server.log`, server.logs()).catch(() => {});
      if (exit?.forced) console.error('the server ignored SIGTERM and was killed');
    });

    it('pastes text copied in the page into the chat input and copies text out of the console', async () => {
      try {
        // A visitor asks for a chat in the widget; Alice takes it from the waiting box.
        await openDemo(visitor.page, server.url, 'index.html');
        await openWidget(visitor.page);
        await chooseType(visitor.page, 'chat');
        await fillForm(visitor.page, 'chat', { name: 'Maria Rossi', message: 'Hello' });
        await submitForm(visitor.page, 'chat');
        const asked = await waitForWidget(visitor.page, (s) => s.contact && s.contact.state === 'pending');
        const id = asked.contact.id;
        await loginReady(page, server.url, 'alice'); // brings Alice's page to the front
        await waitForState(page, `s => s.waiting.count === 1`);
        await clickItem(page, 'waiting.box');
        await waitForState(page, `s => s.contacts.length === 1 && s.contacts[0].id === ${JSON.stringify(id)} &&
          s.contacts[0].expanded`);

        // Copy: a text field of the host page, selected, Ctrl+C (a trusted key press: the browser's own copy).
        await page.evaluate((text) => {
          const source = document.createElement('textarea');
          source.id = 'e2e-source';
          source.value = text;
          source.style.cssText = 'position:fixed;left:8px;bottom:8px;width:300px;height:60px;z-index:10';
          document.body.appendChild(source);
          source.focus();
          source.select();
        }, PASTED);
        await chord(page, ['Control', 'c']);

        // Paste into the console's chat input with Ctrl+V, then Enter sends it.
        await clickItem(page, `panel.${id}.input`);
        await waitForTextFocus(page);
        await chord(page, ['Control', 'v']);
        await screenshot(page, `${TEST}-pasted`, browserName);
        await press(page, 'Enter');
        await waitForState(page, (s) => s.contacts[0].recent.some((m) => m.kind === 'message' && m.from === 'agent' &&
          m.text.startsWith('Order 4711')));
        const sent = (await state(page)).contacts[0].recent.find((m) => m.from === 'agent' && m.text.startsWith('Order 4711'));
        assert.equal(sent.text, PASTED, 'the console sent the pasted text as it was copied');
        await waitForWidget(visitor.page, `s => s.transcript.some((e) => e.from === 'agent' && e.text === ${JSON.stringify(PASTED)})`);

        // Copy out of the console: typed in the input, selected with Ctrl+A, copied with Ctrl+C.
        await typeInto(page, `panel.${id}.input`, COPIED);
        await chord(page, ['Control', 'a']);
        await chord(page, ['Control', 'c']);
        const read = await page.waitForFunction(async (want) => {
          const text = await navigator.clipboard.readText().catch(() => null);
          return text === want ? text : false;
        }, { timeout: 10_000, polling: 100 }, COPIED).then((h) => h.jsonValue()).catch(async (err) => {
          const got = await page.evaluate(() => navigator.clipboard.readText().catch((e) => `<${e.name}: ${e.message}>`));
          throw new Error(`the clipboard holds ${JSON.stringify(got)}, not the text copied in the console (${err.message})`);
        });
        assert.equal(read, COPIED);
        // Copying left the input as it was: Enter still sends the whole text.
        await press(page, 'Enter');
        await waitForWidget(visitor.page, `s => s.transcript.some((e) => e.from === 'agent' && e.text === ${JSON.stringify(COPIED)})`);
      } catch (err) {
        await saveFailure(page, server, browserName);
        throw err;
      }
    });
  });
}

async function saveFailure(page, server, browserName) {
  await saveFailureArtifacts(TEST, browserName, page, {
    state: () => state(page), 'page log': pageLog(page), server: server?.logs() ?? '',
  });
}
