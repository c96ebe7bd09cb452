// End-to-end: the visitor widget's main chat flow against the real server, with a scripted agent (protocol v1
// client, tests/e2e/lib/agent.mjs) on the other side. Chromium and Firefox.
//   request a chat -> the agent sees it with the visitor's details and claims it -> messages both ways, typing
//   both ways, read marks -> HTML sent both ways shows as text -> a page change keeps the contact and the agent
//   sees the new page -> a link pushed by the agent navigates -> closing the widget ends the chat-only contact.
// The steps share one contact; once a step fails the later ones are skipped.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { launch, newPage, browsersToTest } from './lib/browsers.mjs';
import { screenshot, saveArtifact, removeArtifacts, saveFailureArtifacts, pageLog, received } from './lib/console.mjs';
import { ScriptedAgent, waitForContactEvent } from './lib/agent.mjs';
import {
  openDemo, openWidget, chooseType, fillForm, submitForm, sendChat, typeChat, waitForWidget, waitForText,
  widgetState, clickAndLoad,
} from './lib/widget.mjs';

const TEST = 'widget-chat';
const XSS_VISITOR = '<img src=x onerror="window.__xss=1">';
const XSS_AGENT = '<img src=x onerror="window.__xss=2"><b>bold</b>';

for (const browserName of browsersToTest()) {
  describe(`${TEST} (${browserName})`, { timeout: 300_000 }, () => {
    let server;
    let browser;
    let page;
    let agent;
    let contactId;
    let failed = false;

    // Runs one step; after a failure the following steps are skipped (they need the same contact).
    const step = (name, fn) => it(name, async (t) => {
      if (failed) { t.skip('an earlier step failed'); return; }
      try {
        await fn();
      } catch (err) {
        failed = true;
        await saveFailure(page, server, agent, browserName, name);
        throw err;
      }
    });

    before(async () => {
      for (const s of ['waiting', 'chat', 'typing', 'escaped', 'page-change', 'pushed-link', 'ended', 'failure']) {
        await removeArtifacts(`${TEST}-${s}`, browserName);
      }
      server = await startServer();
      agent = await ScriptedAgent.start(server.url, 'alice');
      browser = await launch(browserName);
      page = await newPage(browser);
    });

    after(async () => {
      if (page?.e2eLog) await saveArtifact(`${TEST}-${browserName}.page.log`, page.e2eLog.join('\n')).catch(() => {});
      agent?.close();
      await browser?.close().catch((e) => console.error(`closing ${browserName}: ${e.message}`));
      const exit = await server?.stop().catch((e) => console.error(`stopping the server: ${e.message}`));
      if (server) await saveArtifact(`${TEST}-${browserName}.server.log`, server.logs()).catch(() => {});
      if (exit?.forced) console.error('the server ignored SIGTERM and was killed');
    });

    step('a chat request reaches the agent with the visitor\'s details', async () => {
      await openDemo(page, server.url, 'index.html');
      await openWidget(page);
      await chooseType(page, 'chat');
      await fillForm(page, 'chat', { name: 'Maria Test', message: 'I need help with my order' });
      await submitForm(page, 'chat');

      const waiting = await waitForWidget(page, (s) => s.view === 'contact' && s.contact && s.contact.state === 'pending');
      contactId = waiting.contact.id;
      assert.equal(waiting.contact.type, 'chat');
      assert.equal(typeof waiting.contact.deadline, 'number', 'a pending chat has a dissuasion deadline');
      await waitForText(page, '.sbw-countdown', /\d+:\d\d/);
      await screenshot(page, `${TEST}-waiting`, browserName);

      const contact = await agent.waitForWaiting((c) => c.id === contactId);
      assert.equal(contact.type, 'chat');
      assert.equal(contact.service.id, 'sales');
      assert.equal(contact.customer.name, 'Maria Test');
      assert.equal(contact.customer.returning, false, 'a first visit is a new visitor');
      assert.match(contact.origin.url, /\/demo\/index\.html$/);
      assert.equal(contact.origin.title, 'Demo shop: home');

      await agent.claim(contactId);
      const first = await waitForContactEvent(agent, contactId,
        (e) => e.event === 'message' && e.from === 'visitor');
      assert.equal(first.text, 'I need help with my order');
      await waitForWidget(page, (s) => s.contact && s.contact.state === 'assigned');
      await waitForText(page, '.sbw-agent', /Alice Rossi/);
    });

    step('chat both ways, with typing indicators and read marks', async () => {
      // Visitor typing reaches the agent, then the message.
      let from = agent.mark();
      await typeChat(page, 'Order 1234 has not arrived');
      await agent.waitFor((m) => m.type === 'contact.typing' && m.contact === contactId && m.typing === true,
        { from, what: 'visitor typing' });
      from = agent.mark();
      await page.keyboard.press('Enter');
      const sent = await agent.waitForEvent(contactId, (e) => e.event === 'message' && e.from === 'visitor', { from });
      assert.equal(sent.text, 'Order 1234 has not arrived');
      await page.waitForSelector(`.sbw-from-visitor[data-seq="${sent.seq}"]`);

      // Agent typing shows in the widget, then the agent's message replaces it.
      agent.typing(contactId, true);
      await waitForText(page, '.sbw-typing', /Alice Rossi/);
      await screenshot(page, `${TEST}-typing`, browserName);
      from = agent.mark();
      const reply = await agent.say(contactId, 'Let me check that for you');
      await waitForWidget(page, (s) => s.transcript.some((e) => e.from === 'agent' && e.text === 'Let me check that for you'));
      await page.waitForSelector('.sbw-typing', { hidden: true });
      // The open widget tells the agent it read the message.
      const read = await agent.waitForEvent(contactId, (e) => e.event === 'read' && e.from === 'visitor', { from });
      assert.ok(read.up_to >= reply.seq, `visitor read up to ${read.up_to}, agent message is ${reply.seq}`);
      // The agent reads the visitor's message: the widget marks it read.
      await agent.read(contactId, sent.seq);
      await page.waitForSelector(`.sbw-from-visitor[data-seq="${sent.seq}"][data-state="read"]`);
      await screenshot(page, `${TEST}-chat`, browserName);
    });

    step('HTML sent either way shows as text', async () => {
      const from = agent.mark();
      await sendChat(page, XSS_VISITOR);
      const got = await agent.waitForEvent(contactId, (e) => e.event === 'message' && e.from === 'visitor', { from });
      assert.equal(got.text, XSS_VISITOR, 'the agent receives the text exactly as typed');
      await agent.say(contactId, XSS_AGENT);
      await waitForWidget(page, (s) => s.transcript.some((e) => e.from === 'agent' && e.text.startsWith('<img')));
      const shown = await page.evaluate(() => ({
        texts: [...document.querySelectorAll('.sbw-log .sbw-text')].map((n) => n.textContent),
        elements: document.querySelectorAll('.sbw-root img, .sbw-root b').length,
        xss: window.__xss ?? null,
      }));
      assert.ok(shown.texts.includes(XSS_VISITOR), 'the visitor\'s HTML shows as text');
      assert.ok(shown.texts.includes(XSS_AGENT), 'the agent\'s HTML shows as text');
      assert.equal(shown.elements, 0, 'no element was made from message text');
      assert.equal(shown.xss, null, 'no script ran');
      await screenshot(page, `${TEST}-escaped`, browserName);
    });

    step('a page change keeps the contact and the agent sees the new page', async () => {
      const before = await widgetState(page);
      const from = agent.mark();
      await clickAndLoad(page, 'nav a[href="products.html"]');
      const after = await waitForWidget(page, (s) => s.contact && s.connection === 'online' && s.view === 'contact');
      assert.equal(after.contact.id, contactId, 'the same contact goes on');
      assert.deepEqual(after.transcript.filter((e) => e.k === 'msg').map((e) => e.text),
        before.transcript.filter((e) => e.k === 'msg').map((e) => e.text), 'the transcript is kept');
      const pageEvent = await agent.waitForEvent(contactId, (e) => e.event === 'page', { from });
      assert.match(pageEvent.url, /\/demo\/products\.html$/);
      assert.equal(pageEvent.title, 'Demo shop: products');
      // The contact is live on the new page: a message arrives, and one goes out.
      await agent.say(contactId, 'I see you are looking at our products');
      await waitForWidget(page, (s) => s.transcript.some((e) => e.text === 'I see you are looking at our products'));
      const from2 = agent.mark();
      await sendChat(page, 'Yes, the headset');
      await agent.waitForEvent(contactId, (e) => e.event === 'message' && e.text === 'Yes, the headset', { from: from2 });
      await screenshot(page, `${TEST}-page-change`, browserName);
    });

    step('a link pushed by the agent on the same site navigates, keeping the contact', async () => {
      const from = agent.mark();
      const target = `${server.url}/demo/contact.html`;
      const navigated = page.waitForNavigation({ waitUntil: 'load', timeout: 30_000 });
      await agent.link(contactId, target);
      await navigated;
      assert.equal(page.url(), target);
      const state = await waitForWidget(page, (s) => s.contact && s.connection === 'online' && s.view === 'contact');
      assert.equal(state.contact.id, contactId);
      assert.equal(state.language, 'en', 'the widget keeps its language during a contact');
      const pageEvent = await agent.waitForEvent(contactId, (e) => e.event === 'page' && /contact\.html$/.test(e.url),
        { from });
      assert.equal(pageEvent.title, 'Demo shop: contact');
      await page.waitForSelector('.sbw-link a');
      await screenshot(page, `${TEST}-pushed-link`, browserName);
    });

    if (browserName === 'chromium') {
      step('a link to another site opens in a new tab, and the contact stays here', async () => {
        const other = `${server.url.replace('127.0.0.1', 'localhost')}/demo/products.html`;
        const opened = browser.waitForTarget((t) => t.url() === other, { timeout: 20_000 });
        const url = page.url();
        await agent.link(contactId, other);
        const tab = await (await opened).page();
        await tab?.close();
        await page.bringToFront();
        assert.equal(page.url(), url, 'the widget\'s page stays');
        const { transcript } = await widgetState(page);
        assert.ok(transcript.some((e) => e.k === 'link' && e.url === other), 'the link is in the transcript');
      });
    }

    step('closing the widget ends a chat-only contact', async () => {
      await openWidget(page);
      const from = agent.mark();
      await page.click('.sbw-close');
      const closed = await agent.waitForEvent(contactId, (e) => e.event === 'closed', { from });
      assert.ok(['successful', 'no_interaction', 'abandoned', 'cancelled'].includes(closed.outcome),
        `outcome ${closed.outcome}`);
      await waitForWidget(page, (s) => s.view === 'ended' && s.contact === null && !s.open);
      await openWidget(page);
      await waitForText(page, '.sbw-ended', /ended/);
      await screenshot(page, `${TEST}-ended`, browserName);
    });
  });
}

async function saveFailure(page, server, agent, browserName, step) {
  await saveFailureArtifacts(TEST, browserName, page, {
    step, 'widget state': () => widgetState(page), 'page log': pageLog(page), 'agent received': received(agent),
    server: server?.logs() ?? '',
  });
}
