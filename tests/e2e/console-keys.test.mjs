// End-to-end: keyboard shortcuts and notifications of the agent console. A scripted visitor asks for a chat;
// the console decides a notification (state().notify), beeps (WebAudio) and, in Chromium where the test grants
// the permission, creates a desktop Notification (recorded by a wrapper installed before the page loads). Alice
// takes the contact with Alt+N, focuses the input with Alt+I and sends a message, opens the shortcuts help with
// F1 and closes it with Escape, and turns the sound off in the settings popup (saved in localStorage).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { launch, newPage, browsersToTest } from './lib/browsers.mjs';
import {
  state, waitForState, waitForItem, waitForTextFocus, clickItem, press, chord, screenshot, saveArtifact,
  removeArtifacts,
  saveFailureArtifacts, pageLog, received,
} from './lib/console.mjs';
import { ScriptedVisitor, waitForContactEvent } from './lib/agent.mjs';
import { loginReady } from './lib/console-session.mjs';

const TEST = 'console-keys';
const STEPS = ['help', 'settings', 'failure'];
const PAGE = { url: 'http://127.0.0.1/demo/products.html', title: 'Products' };

// Runs in the page before any of its scripts: records every Notification the page creates.
function recordNotifications() {
  window.__e2eNotifications = [];
  const Real = window.Notification;
  if (!Real) return;
  function Recorded(title, options) {
    window.__e2eNotifications.push({ title, body: options && options.body });
    return new Real(title, options);
  }
  Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
  Recorded.requestPermission = (...args) => Real.requestPermission(...args);
  Recorded.prototype = Real.prototype;
  window.Notification = Recorded;
}

for (const browserName of browsersToTest()) {
  describe(`${TEST} (${browserName})`, { timeout: 300_000 }, () => {
    let server;
    let browser;
    let page;
    let visitor;
    const chromium = browserName === 'chromium';

    before(async () => {
      for (const s of STEPS) await removeArtifacts(`${TEST}-${s}`, browserName);
      server = await startServer();
      browser = await launch(browserName);
      page = await newPage(browser);
      if (chromium) await browser.defaultBrowserContext().overridePermissions(server.url, ['notifications']);
      await page.evaluateOnNewDocument(recordNotifications);
    });

    after(async () => {
      if (page?.e2eLog) await saveArtifact(`${TEST}-${browserName}.page.log`, page.e2eLog.join('\n')).catch(() => {});
      visitor?.close();
      await browser?.close().catch((e) => console.error(`closing ${browserName}: ${e.message}`));
      const exit = await server?.stop().catch((e) => console.error(`stopping the server: ${e.message}`));
      if (server) await saveArtifact(`${TEST}-${browserName}.server.log`, server.logs()).catch(() => {});
      if (exit?.forced) console.error('the server ignored SIGTERM and was killed');
    });

    it('notifies a new contact, takes it with Alt+N, chats after Alt+I, shows the help with F1', async () => {
      try {
        await loginReady(page, server.url, 'alice');
        const start = await state(page);
        assert.equal(start.helpOpen, false);
        assert.deepEqual([start.notify.sound, start.notify.desktop], [true, true], 'notifications are on by default');
        assert.equal(start.notify.notified, 0);

        // A visitor asks for a chat: the console decides an alert and performs it.
        visitor = await ScriptedVisitor.start(server.url, { name: 'Maria Rossi', language: 'en', page: PAGE });
        const request = await visitor.command('contact.request',
          { service: 'sales', contact_type: 'chat', name: 'Maria Rossi', page: PAGE });
        const id = request.contact.id;
        await waitForState(page, `s => s.waiting.count === 1 && s.notify.notified >= 1 && s.notify.lastKind === 'contact'
          && s.notify.unseen === 1`);
        const alerts = await page.evaluate(() => window.switchboard.alerts);
        assert.equal(alerts.last, 'contact');
        assert.ok(alerts.sound >= 1, `the beep was played: ${JSON.stringify(alerts)}`);
        if (chromium) {
          const notes = await page.waitForFunction(() => window.__e2eNotifications.length > 0 && window.__e2eNotifications,
            { timeout: 10_000, polling: 50 }).then((h) => h.jsonValue());
          assert.equal(notes[0].title, 'New contact waiting');
          assert.match(notes[0].body, /Maria Rossi/);
          assert.ok((await page.evaluate(() => window.switchboard.alerts)).desktop >= 1);
        }

        // Alt+N takes the longest-waiting contact (the canvas has the keyboard since the Ready click).
        await chord(page, ['Alt', 'n']);
        await waitForState(page, `s => s.contacts.length === 1 && s.contacts[0].id === ${JSON.stringify(id)} &&
          s.contacts[0].state === 'assigned' && s.contacts[0].expanded && s.waiting.count === 0 && s.notify.unseen === 0`);
        await waitForContactEvent(visitor, id, (e) => e.event === 'assigned' && e.agent?.id === 'alice');

        // Alt+I puts the cursor in the chat input; Enter sends.
        await chord(page, ['Alt', 'i']);
        await waitForTextFocus(page);
        await page.keyboard.type('Sent from the keyboard', { delay: 20 });
        await press(page, 'Enter');
        await waitForContactEvent(visitor, id,
          (e) => e.event === 'message' && e.from === 'agent' && e.text === 'Sent from the keyboard');

        // F1 opens the shortcuts help, Escape closes it.
        await press(page, 'F1');
        await waitForState(page, (s) => s.helpOpen === true);
        await waitForItem(page, 'help.window');
        await screenshot(page, `${TEST}-help`, browserName);
        await press(page, 'Escape');
        await waitForState(page, (s) => s.helpOpen === false);

        // The bell opens the settings; turning the sound off is kept in localStorage.
        await clickItem(page, 'status.settings');
        await clickItem(page, 'settings.sound');
        await waitForState(page, (s) => s.notify.sound === false && s.notify.desktop === true);
        await screenshot(page, `${TEST}-settings`, browserName);
        const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('switchboard.notifications')));
        assert.deepEqual(saved, { sound: false, desktop: true });
      } catch (err) {
        await saveFailure(page, server, visitor, browserName);
        throw err;
      }
    });
  });
}

async function saveFailure(page, server, visitor, browserName) {
  await saveFailureArtifacts(TEST, browserName, page, {
    state: () => state(page), 'page log': pageLog(page), 'visitor received': received(visitor),
    server: server?.logs() ?? '',
  });
}
