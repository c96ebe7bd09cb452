// End-to-end: automatic translations with the real server and Apertium (docs/protocol.md, "Automatic
// translations"). A Spanish-speaking customer asks for a chat with Sales (English) from the demo site's widget;
// Alice takes it in her console, opens the flag tool and picks Spanish; the customer's Spanish message reaches
// her with an English translation under it; her English reply reaches the widget in Spanish, with the original
// one click away. Chromium and Firefox (E2E_BROWSERS). Waits on states only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { launch, newPage, browsersToTest } from './lib/browsers.mjs';
import {
  waitForState, waitForItem, clickItem, typeInto, press, screenshot, saveArtifact, removeArtifacts,
} from './lib/console.mjs';
import { loginReady, isolatedPage } from './lib/console-session.mjs';
import {
  openDemo, openWidget, chooseType, fillForm, submitForm, sendChat, waitForWidget, waitForText,
} from './lib/widget.mjs';

const TEST = 'translation';
const STEPS = ['tool', 'console', 'widget', 'original', 'failure'];
const SPANISH = 'Hola, necesito ayuda con mi pedido.';
const ENGLISH = 'Thank you, I will check your order.';

for (const browserName of browsersToTest()) {
  describe(`${TEST} (${browserName})`, { timeout: 300_000 }, () => {
    let server;
    let browser;
    let page; // Alice's console
    let customer; // the demo site with the widget, in another browser context

    before(async () => {
      for (const s of STEPS) await removeArtifacts(`${TEST}-${s}`, browserName);
      server = await startServer();
      browser = await launch(browserName);
      page = await newPage(browser);
      customer = await isolatedPage(browser, () => launch(browserName));
    });

    after(async () => {
      if (page?.e2eLog) await saveArtifact(`${TEST}-${browserName}.page.log`, page.e2eLog.join('\n')).catch(() => {});
      if (customer?.page?.e2eLog) {
        await saveArtifact(`${TEST}-${browserName}.widget.log`, customer.page.e2eLog.join('\n')).catch(() => {});
      }
      await customer?.close().catch(() => {});
      await browser?.close().catch((e) => console.error(`closing ${browserName}: ${e.message}`));
      const exit = await server?.stop().catch((e) => console.error(`stopping the server: ${e.message}`));
      if (server) await saveArtifact(`${TEST}-${browserName}.server.log`, server.logs()).catch(() => {});
      if (exit?.forced) console.error('the server ignored SIGTERM and was killed');
    });

    it('the console turns translation on with the flag tool and both sides read each other', async () => {
      const widget = customer.page;
      try {
        await loginReady(page, server.url, 'alice');

        // The customer asks for a chat in the widget (the demo's service is Sales, in English).
        await widget.bringToFront();
        await openDemo(widget, server.url, 'index.html');
        await openWidget(widget);
        await chooseType(widget, 'chat');
        await fillForm(widget, 'chat', { name: 'María' });
        await submitForm(widget, 'chat');
        const pending = await waitForWidget(widget, (s) => s.contact && s.contact.state === 'pending');
        const id = pending.contact.id;

        // Alice takes it from the waiting box.
        await page.bringToFront();
        await waitForState(page, `s => s.waiting.count === 1 && s.waiting.contacts[0].id === ${JSON.stringify(id)}`);
        await clickItem(page, 'waiting.box');
        await waitForState(page, `s => s.contacts.length === 1 && s.contacts[0].id === ${JSON.stringify(id)} &&
          s.contacts[0].state === 'assigned' && s.contacts[0].expanded && s.contacts[0].translation === ''`);

        // The flag tool lists what Sales offers; she picks Spanish.
        await clickItem(page, `panel.${id}.translate`);
        await waitForItem(page, 'translate.es');
        await screenshot(page, `${TEST}-tool`, browserName);
        await clickItem(page, 'translate.es');
        await waitForState(page, (s) => s.contacts[0].translation === 'es');
        await waitForWidget(widget, (s) => s.transcript.some((e) => e.k === 'note'));

        // The customer writes Spanish: Alice reads it with its English translation.
        await widget.bringToFront();
        await sendChat(widget, SPANISH);
        await page.bringToFront();
        const got = await waitForState(page, `s => s.contacts[0].recent.some((m) => m.from === 'visitor' &&
          m.text === ${JSON.stringify(SPANISH)} && m.translation && m.translation.language === 'en')`);
        const heard = got.contacts[0].recent.find((m) => m.from === 'visitor' && m.text === SPANISH);
        assert.match(heard.translation.text, /I need help/, `Apertium's English: ${heard.translation.text}`);
        await waitForItem(page, `panel.${id}.translation.${heard.seq}`);
        await screenshot(page, `${TEST}-console`, browserName);

        // Alice answers in English: the widget shows it in Spanish.
        await typeInto(page, `panel.${id}.input`, ENGLISH);
        await press(page, 'Enter');
        const answered = await waitForWidget(widget, (s) => s.transcript.some((e) => e.k === 'msg' && e.from === 'agent' &&
          typeof e.translation === 'string'));
        const reply = answered.transcript.find((e) => e.k === 'msg' && e.from === 'agent');
        assert.equal(reply.text, ENGLISH, 'the original is kept');
        assert.match(reply.translation, /Gracias/, `Apertium's Spanish: ${reply.translation}`);
        await widget.bringToFront();
        await waitForText(widget, '.sbw-from-agent .sbw-text', /Gracias/);
        const title = await widget.$eval('.sbw-from-agent.sbw-msg .sbw-text', (n) => n.getAttribute('title'));
        assert.ok(title.includes(ENGLISH), `the original in the title: ${title}`);
        await screenshot(widget, `${TEST}-widget`, browserName);

        // "Original" shows the agent's own words, and back.
        await widget.click('.sbw-from-agent .sbw-original');
        await waitForText(widget, '.sbw-from-agent .sbw-text', /^Thank you, I will check your order\.$/);
        await screenshot(widget, `${TEST}-original`, browserName);
        await widget.click('.sbw-from-agent .sbw-original');
        await waitForText(widget, '.sbw-from-agent .sbw-text', /Gracias/);
        await page.bringToFront();
      } catch (err) {
        await screenshot(page, `${TEST}-failure`, browserName).catch(() => {});
        await screenshot(widget, `${TEST}-failure-widget`, browserName).catch(() => {});
        throw err;
      }
    });
  });
}
