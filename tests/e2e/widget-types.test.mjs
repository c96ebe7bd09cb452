// End-to-end (Chromium): every contact type requested from the widget reaches a scripted agent with the right
// details; the widget offers only the types the service allows (visitor.welcome's services), and when it
// does not know them it offers all and handles the server's refusal (type_not_allowed) by no longer offering
// the type; the widget speaks the page's language. The service here offers every type but video.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { startServer, DEMO_CONFIG } from './lib/server.mjs';
import { launch, newPage, browsersToTest } from './lib/browsers.mjs';
import { screenshot, saveArtifact, removeArtifacts, saveFailureArtifacts, pageLog, received } from './lib/console.mjs';
import { ScriptedAgent, waitForContactEvent } from './lib/agent.mjs';
import {
  openDemo, openWidget, chooseType, fillForm, formValues, submitForm, waitForWidget, waitForText, widgetState,
} from './lib/widget.mjs';

const TEST = 'widget-types';

for (const browserName of browsersToTest().filter((b) => b === 'chromium')) {
  describe(`${TEST} (${browserName})`, { timeout: 300_000 }, () => {
    let server;
    let browser;
    let page;
    let agent;

    before(async () => {
      for (const s of ['home', 'chat-form', 'call', 'call-assigned', 'call-chat-closed', 'video-refused', 'callback', 'callback-form', 'weblead',
        'weblead-form', 'italian', 'failure']) {
        await removeArtifacts(`${TEST}-${s}`, browserName);
      }
      const config = JSON.parse(await fs.readFile(DEMO_CONFIG, 'utf8'));
      const sales = config.services.find((s) => s.id === 'sales');
      sales.media = ['chat', 'callback', 'call', 'weblead'];
      server = await startServer({ config });
      agent = await ScriptedAgent.start(server.url, 'carla');
      browser = await launch(browserName);
      page = await newPage(browser);
      await openDemo(page, server.url, 'index.html');
    });

    after(async () => {
      if (page?.e2eLog) await saveArtifact(`${TEST}-${browserName}.page.log`, page.e2eLog.join('\n')).catch(() => {});
      agent?.close();
      await browser?.close().catch((e) => console.error(`closing ${browserName}: ${e.message}`));
      const exit = await server?.stop().catch((e) => console.error(`stopping the server: ${e.message}`));
      if (server) await saveArtifact(`${TEST}-${browserName}.server.log`, server.logs()).catch(() => {});
      if (exit?.forced) console.error('the server ignored SIGTERM and was killed');
    });

    const guarded = (name, fn) => it(name, async () => {
      try {
        await fn();
      } catch (err) {
        await saveFailure(page, server, agent, browserName, name);
        throw err;
      }
    });

    /** Requests `type` from the home view; returns the contact as the agent sees it in its waiting list. */
    async function request(type, values, shot) {
      await openWidget(page);
      await waitForWidget(page, (s) => s.view === 'home');
      await chooseType(page, type);
      await fillForm(page, type, values);
      if (shot) await screenshot(page, `${TEST}-${shot}`, browserName);
      await submitForm(page, type);
    }

    /** Cancels the widget's pending contact with the close button and comes back to the home view. */
    async function cancel(contactId) {
      const from = agent.mark();
      await page.click('.sbw-close');
      // The agent does not hold it: it sees the contact leave its waiting list.
      await agent.waitForList((list) => !list.some((x) => x.id === contactId),
        { from, what: `${contactId} no longer waiting` });
      await waitForWidget(page, (s) => s.contact === null && s.view === 'ended');
      await openWidget(page);
      await page.click('.sbw-actions .sbw-primary'); // "New conversation"
      await waitForWidget(page, (s) => s.view === 'home');
    }

    guarded('opens and closes from the keyboard', async () => {
      await page.focus('.sbw-launcher');
      await page.keyboard.press('Enter');
      await page.waitForSelector('.sbw-panel:not([hidden])');
      await page.waitForFunction(() => document.querySelector('.sbw-panel').contains(document.activeElement));
      await page.keyboard.press('Escape');
      await page.waitForSelector('.sbw-panel', { hidden: true });
      await page.waitForFunction(() => document.activeElement === document.querySelector('.sbw-launcher'));
      const labels = await page.$$eval('.sbw-panel button[aria-label]', (b) => b.map((n) => n.getAttribute('aria-label')));
      assert.ok(labels.includes('Minimize') && labels.includes('Close'), `header buttons: ${labels}`);
    });

    guarded('offers the types the service allows and starts a chat', async () => {
      await openWidget(page);
      await waitForWidget(page, (s) => s.connection === 'online');
      const offered = await page.$$eval('.sbw-types [data-sbw-type]', (b) => b.map((n) => n.dataset.sbwType));
      assert.deepEqual(offered, ['chat', 'call', 'callback', 'weblead']);
      await screenshot(page, `${TEST}-home`, browserName);
      await request('chat', { name: 'Chat Person' }, 'chat-form');
      const s = await waitForWidget(page, (st) => st.contact && st.contact.state === 'pending');
      const c = await agent.waitForWaiting((x) => x.id === s.contact.id);
      assert.equal(c.type, 'chat');
      assert.equal(c.customer.name, 'Chat Person');
      await cancel(c.id);
    });

    guarded('a call request reaches the agent as a call; closing the widget during the call keeps the contact',
      async () => {
        await request('call', { name: 'Call Person' });
        const s = await waitForWidget(page, (st) => st.contact && st.contact.state === 'pending');
        assert.equal(s.contact.type, 'call');
        const c = await agent.waitForWaiting((x) => x.id === s.contact.id);
        assert.equal(c.type, 'call');
        assert.equal(c.customer.name, 'Call Person');
        assert.equal(c.service.id, 'sales');
        await screenshot(page, `${TEST}-call`, browserName);

        // Once claimed, the voice channel is under way: closing the widget drops the chat only.
        await agent.claim(c.id);
        await waitForWidget(page, (st) => st.contact && st.contact.state === 'assigned' && st.contact.channels &&
          ['connecting', 'active'].includes(st.contact.channels.voice));
        await waitForText(page, '.sbw-channel[data-channel="voice"]', /connecting|active/);
        await screenshot(page, `${TEST}-call-assigned`, browserName);
        await page.click('.sbw-close');
        await waitForWidget(page, (st) => st.chatClosed && st.contact !== null && !st.open);
        await waitForContactEvent(agent, c.id,
          (e) => e.event === 'channel' && e.channel === 'chat' && e.state === 'unavailable',
          { what: 'the chat channel dropped (light grey in the console)' });
        // Barrier: a later event reaches the widget, so a stop would have been seen by now.
        await agent.say(c.id, 'Still on the line');
        await waitForWidget(page, (st) => st.transcript.some((e) => e.text === 'Still on the line'));
        assert.ok(!agent.events(c.id).some((e) => e.event === 'closed'), 'the contact goes on');
        await openWidget(page);
        await waitForText(page, '.sbw-info', /call goes on/);
        assert.equal(await page.$('.sbw-input'), null, 'no chat input once the chat is closed');
        await screenshot(page, `${TEST}-call-chat-closed`, browserName);

        // The agent ends the call: the widget says so.
        await agent.stop(c.id);
        await waitForWidget(page, (st) => st.view === 'ended' && st.contact === null);
        await page.click('.sbw-actions .sbw-primary'); // "New conversation"
        await waitForWidget(page, (st) => st.view === 'home');
      });

    guarded('without the service\'s types, a refused video call is explained and no longer offered', async () => {
      // Forget what visitor.welcome said about the service (as with a server that does not say it): the
      // widget then offers every type and must handle the server's type_not_allowed.
      await page.evaluate(() => { const w = window.SwitchboardWidget.widget; w.services = null; w.render(); });
      await waitForWidget(page, (s) => s.offered.includes('video'));
      await request('video', { name: 'Video Person' });
      await waitForWidget(page, (s) => s.view === 'home' && s.notice !== '' && !s.offered.includes('video'));
      await page.waitForSelector('.sbw-notice');
      const offered = await page.$$eval('.sbw-types [data-sbw-type]', (b) => b.map((n) => n.dataset.sbwType));
      assert.ok(!offered.includes('video'), `video still offered: ${offered}`);
      await screenshot(page, `${TEST}-video-refused`, browserName);
    });

    guarded('a callback reaches the agent with the phone number and the preferred time', async () => {
      await request('callback', { name: 'Callback Person', phone: '+39 02 1234567', when: 'after 18:00' },
        'callback-form');
      const s = await waitForWidget(page, (st) => st.contact && st.contact.state === 'pending');
      const c = await agent.waitForWaiting((x) => x.id === s.contact.id);
      assert.equal(c.type, 'callback');
      assert.deepEqual(c.callback, { phone: '+39 02 1234567', when: 'after 18:00' });
      assert.equal(c.customer.name, 'Callback Person');
      await waitForText(page, '.sbw-info', /\+39 02 1234567/);
      await screenshot(page, `${TEST}-callback`, browserName);
      await cancel(c.id);
    });

    guarded('a weblead reaches the agent with name, email, phone and message', async () => {
      await openWidget(page);
      await chooseType(page, 'weblead');
      // The form wants an email or a phone before it sends anything.
      await fillForm(page, 'weblead', { name: 'Lead Person', message: 'Please send me a quote' });
      await submitForm(page, 'weblead');
      await waitForText(page, 'form[data-sbw-form="weblead"] .sbw-error', /email|phone/i);
      await fillForm(page, 'weblead', { email: 'lead@example.com', phone: '+33 1 23 45 67 89' });
      await screenshot(page, `${TEST}-weblead-form`, browserName);
      await submitForm(page, 'weblead');
      await waitForWidget(page, (s) => s.view === 'done');
      await screenshot(page, `${TEST}-weblead`, browserName);
      const c = await agent.waitForWaiting((x) => x.type === 'weblead');
      assert.deepEqual(c.weblead, {
        name: 'Lead Person', email: 'lead@example.com', phone: '+33 1 23 45 67 89', message: 'Please send me a quote',
      });
      assert.equal(c.deadline ?? null, null, 'a weblead has no dissuasion deadline');
    });

    guarded('the widget speaks the page\'s language and remembers the returning visitor', async () => {
      await page.click('.sbw-close'); // leaves the "thank you" view
      await waitForWidget(page, (s) => s.view === 'home' && !s.open);
      await openDemo(page, server.url, 'contact.html'); // data-language="it", service supporto
      await waitForText(page, '.sbw-launcher', /Serve aiuto\?/);
      await openWidget(page);
      await waitForText(page, '.sbw-panel', /Come vuoi contattarci\?/);
      await chooseType(page, 'chat');
      // The name given earlier is remembered for this visitor.
      assert.equal((await formValues(page, 'chat')).name, 'Lead Person');
      await screenshot(page, `${TEST}-italian`, browserName);
      const alice = await ScriptedAgent.start(server.url, 'alice'); // Supporto: support tag
      try {
        await submitForm(page, 'chat');
        const s = await waitForWidget(page, (st) => st.contact && st.contact.state === 'pending');
        const c = await alice.waitForWaiting((x) => x.id === s.contact.id);
        assert.equal(c.service.id, 'supporto');
        assert.equal(c.customer.returning, true, 'the visitor is known from earlier requests');
        const { language } = await widgetState(page);
        assert.equal(language, 'it');
      } finally {
        alice.close();
      }
    });
  });
}

async function saveFailure(page, server, agent, browserName, step) {
  await saveFailureArtifacts(TEST, browserName, page, {
    step, 'widget state': () => widgetState(page), 'page log': pageLog(page), 'agent received': received(agent),
    server: server?.logs() ?? '',
  });
}
