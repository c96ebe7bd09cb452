// End-to-end (Chromium and Firefox): voice and video calls in the visitor widget (docs/protocol.md, "Calls").
//  - A scripted agent offers a video call: the widget shows the invitation; refusing reaches the agent; a
//    second offer accepted voice only reaches the agent as accept with video false.
//  - Real WebRTC with fake camera and microphone: an agent page running the shared call engine (/media/call.js,
//    lib/call-agent.mjs) calls the widget; both sides connect, decode video frames (getStats framesDecoded
//    grows on both sides) and the agent sees voice and video go active. The visitor closes the chat and the
//    call goes on; the agent hangs up and the widget's call box goes away.
//  - A Video Call contact: the visitor is the offerer, the widget makes the WebRTC offer once the agent
//    accepts; leaving the page hangs the call up.
//  - A browser without a camera reports video false (no video call offered, no video in the invitation); a
//    denied microphone is reported to the agent (failed, permission_denied) and shown to the visitor.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { launch, newPage, browsersToTest } from './lib/browsers.mjs';
import { screenshot, saveArtifact, removeArtifacts, saveFailureArtifacts, pageLog, received } from './lib/console.mjs';
import { ScriptedAgent, waitForContactEvent } from './lib/agent.mjs';
import { CallAgent } from './lib/call-agent.mjs';
import {
  openDemo, openWidget, chooseType, fillForm, submitForm, waitForWidget, waitForText, clickAndLoad,
  waitForWidgetFrames,
} from './lib/widget.mjs';

const TEST = 'widget-media';
const SHOTS = ['invitation', 'voice-only', 'video-call', 'chat-closed', 'no-camera', 'permission-denied'];

/** The widget's call figures (SwitchboardCall.stats()), or null without a call. */
function widgetStats(page) {
  return page.evaluate(() => {
    const engine = window.SwitchboardWidget.widget.calls.engine;
    return engine ? engine.stats() : null;
  });
}


/** Starts a chat from the widget; returns the contact id. */
async function startChat(page, name) {
  await openWidget(page);
  await waitForWidget(page, (s) => s.view === 'home' && s.connection === 'online');
  await chooseType(page, 'chat');
  await fillForm(page, 'chat', { name });
  await submitForm(page, 'chat');
  const s = await waitForWidget(page, (st) => st.contact && st.contact.state === 'pending');
  return s.contact.id;
}

for (const browserName of browsersToTest()) {
  describe(`${TEST} (${browserName})`, { timeout: 400_000 }, () => {
    let server;
    let browser;
    let agentBrowser; // the call agent's own browser: a page in the background gets no rendering (clicks hang)
    let page;
    let agent; // scripted (node) agent: carla, Sales
    const pages = []; // every page, for the failure logs

    before(async () => {
      for (const s of SHOTS) await removeArtifacts(`${TEST}-${s}`, browserName);
      server = await startServer();
      agent = await ScriptedAgent.start(server.url, 'carla');
      browser = await launch(browserName);
      agentBrowser = await launch(browserName);
      page = await newPage(browser);
      pages.push(page);
      await openDemo(page, server.url, 'index.html');
    });

    after(async () => {
      for (const [i, p] of pages.entries()) {
        if (p?.e2eLog) await saveArtifact(`${TEST}-${browserName}.page${i}.log`, p.e2eLog.join('\n')).catch(() => {});
      }
      agent?.close();
      await browser?.close().catch((e) => console.error(`closing ${browserName}: ${e.message}`));
      await agentBrowser?.close().catch((e) => console.error(`closing the agent's ${browserName}: ${e.message}`));
      const exit = await server?.stop().catch((e) => console.error(`stopping the server: ${e.message}`));
      if (server) await saveArtifact(`${TEST}-${browserName}.server.log`, server.logs()).catch(() => {});
      if (exit?.forced) console.error('the server ignored SIGTERM and was killed');
    });

    const guarded = (name, fn) => it(name, async () => {
      try {
        await fn();
      } catch (err) {
        await saveFailure(pages, server, agent, browserName, name);
        throw err;
      }
    });

    /** Ends the widget's contact from the agent side and comes back to the home view. */
    async function finish(p, id, by = agent) {
      await by.command('contact.stop', { contact: id });
      await waitForWidget(p, (s) => s.contact === null && s.call.phase === 'idle');
      await openWidget(p);
      await p.click('.sbw-actions .sbw-primary'); // "New conversation"
      await waitForWidget(p, (s) => s.view === 'home');
    }

    guarded('reports a microphone and a camera: voice and video are available once claimed', async () => {
      await openWidget(page);
      await waitForWidget(page, (s) => s.connection === 'online' && s.offered.includes('video') &&
        s.offered.includes('call'));
      const id = await startChat(page, 'Media Person');
      await agent.waitForWaiting((c) => c.id === id);
      const snapshot = await agent.claim(id);
      assert.equal(snapshot.contact.channels.voice, 'available');
      assert.equal(snapshot.contact.channels.video, 'available');
      await finish(page, id);
    });

    guarded('a video call offer: the visitor refuses, then accepts voice only', async () => {
      const id = await startChat(page, 'Refusing Person');
      await agent.waitForWaiting((c) => c.id === id);
      await agent.claim(id);
      await waitForWidget(page, (s) => s.contact && s.contact.state === 'assigned');

      let from = agent.mark();
      await agent.command('contact.media', { contact: id, action: 'offer', video: true });
      await waitForWidget(page, (s) => s.call.phase === 'invited' && s.call.offer.video);
      await waitForText(page, '.sbw-call-prompt', /invites you to a video call/);
      const prompt = await page.$eval('.sbw-call-prompt', (n) => ({
        role: n.getAttribute('role'),
        label: document.getElementById(n.getAttribute('aria-labelledby'))?.textContent,
        buttons: [...n.querySelectorAll('button')].map((b) => b.textContent),
      }));
      assert.equal(prompt.role, 'alertdialog');
      assert.match(prompt.label, /invites you to a video call/);
      assert.deepEqual(prompt.buttons, ['Accept with video', 'Voice only', 'Refuse']);
      await waitForWidget(page, (s) => s.contact.channels.voice === 'connecting' &&
        s.contact.channels.video === 'connecting');
      await screenshot(page, `${TEST}-invitation`, browserName);

      await page.click('.sbw-call-prompt [data-sbw-call="refuse"]');
      const refuse = await agent.waitForEvent(id, (e) => e.event === 'media' && e.action === 'refuse', { from });
      assert.equal(refuse.from, 'visitor');
      await waitForWidget(page, (s) => s.call.phase === 'idle' && s.contact.channels.voice === 'available' &&
        s.contact.channels.video === 'available');
      assert.equal(await page.$eval('.sbw-call', (n) => n.hidden), true, 'the call box is gone');

      from = agent.mark();
      await agent.command('contact.media', { contact: id, action: 'offer', video: true });
      await waitForWidget(page, (s) => s.call.phase === 'invited');
      await page.click('.sbw-call-prompt [data-sbw-call="voice-only"]');
      const accept = await agent.waitForEvent(id, (e) => e.event === 'media' && e.action === 'accept', { from });
      assert.equal(accept.from, 'visitor');
      assert.equal(accept.video, false, 'voice only: the visitor sends no camera');
      // The widget waits for the agent's WebRTC offer (the agent's offer was accepted); this agent has none.
      await waitForWidget(page, (s) => s.call.phase === 'connecting' && !s.call.sendsVideo);
      await screenshot(page, `${TEST}-voice-only`, browserName);

      from = agent.mark();
      await agent.command('contact.media', { contact: id, action: 'hangup' });
      await waitForWidget(page, (s) => s.call.phase === 'idle' && s.contact.channels.voice === 'available');
      await waitForWidget(page, (s) => s.transcript.some((e) => e.k === 'note' && /call ended/.test(e.text)));
      await finish(page, id);
    });

    guarded('a real video call from the agent: both sides decode video, voice and video go active', async () => {
      const callAgent = await CallAgent.start(agentBrowser, server.url, 'alice');
      pages.push(callAgent.page);
      try {
        const id = await startChat(page, 'Video Person');
        await callAgent.claim(id);
        await waitForWidget(page, (s) => s.contact && s.contact.state === 'assigned');

        const offered = await callAgent.call('offer', id, true); // makes the WebRTC offer once accepted
        assert.equal(offered.type, 'contact.event', JSON.stringify(offered));
        await waitForWidget(page, (s) => s.call.phase === 'invited');
        await page.click('.sbw-call-prompt [data-sbw-call="accept-video"]');

        const accept = await callAgent.waitForEvent(id, (e) => e.event === 'media' && e.action === 'accept');
        assert.equal(accept.video, true, 'the visitor sends its camera');
        await callAgent.waitForEvent(id, (e) => e.event === 'channel' && e.channel === 'voice' && e.state === 'active');
        await callAgent.waitForEvent(id, (e) => e.event === 'channel' && e.channel === 'video' && e.state === 'active');
        await waitForWidget(page, (s) => s.call.phase === 'active' && s.call.remoteVideo &&
          s.contact.channels.voice === 'active' && s.contact.channels.video === 'active');

        // Frames flow both ways, and keep flowing.
        const agentFirst = await callAgent.waitForFrames(id, 0);
        const widgetFirst = await waitForWidgetFrames(page, 0);
        await callAgent.waitForFrames(id, agentFirst.framesDecoded);
        await waitForWidgetFrames(page, widgetFirst.framesDecoded);
        assert.equal(widgetFirst.connectionState, 'connected');
        assert.ok(widgetFirst.framesSent > 0, 'the widget sends its camera');
        await page.waitForFunction(() => {
          const v = document.querySelector('.sbw-call-remote');
          return v && v.videoWidth > 0 && !v.hidden && !document.querySelector('.sbw-call-local').hidden;
        }, { timeout: 20_000, polling: 100 });
        await screenshot(page, `${TEST}-video-call`, browserName);

        // Mute: the microphone track is disabled, the button says so.
        await page.click('.sbw-call-mute');
        await waitForWidget(page, (s) => s.call.muted);
        assert.equal(await page.$eval('.sbw-call-mute', (b) => b.getAttribute('aria-pressed')), 'true');
        await page.click('.sbw-call-mute');
        await waitForWidget(page, (s) => !s.call.muted);

        // The visitor closes the chat: only the chat ends, the call goes on.
        await page.click('.sbw-close');
        await callAgent.waitForEvent(id, (e) => e.event === 'channel' && e.channel === 'chat' && e.state === 'unavailable');
        await waitForWidget(page, (s) => s.chatClosed && !s.open && s.call.phase === 'active');
        const before = await waitForWidgetFrames(page, 0);
        await waitForWidgetFrames(page, before.framesDecoded);
        assert.equal(await page.$eval('.sbw-call', (n) => n.hidden), false, 'the call box stays');
        await screenshot(page, `${TEST}-chat-closed`, browserName);

        // The agent hangs up: the widget's call box goes away (and the contact, chat closed, ends).
        await callAgent.call('hangup', id);
        await waitForWidget(page, (s) => s.call.phase === 'idle');
        assert.equal(await widgetStats(page), null, 'the widget closed its call');
        assert.equal(await page.$eval('.sbw-call', (n) => n.hidden), true);
        await waitForWidget(page, (s) => s.contact === null);
        await openWidget(page);
        await page.click('.sbw-actions .sbw-primary'); // "New conversation"
        await waitForWidget(page, (s) => s.view === 'home');
      } finally {
        await callAgent.close();
      }
    });

    guarded('a Video Call contact: the widget makes the WebRTC offer; leaving the page hangs up', async () => {
      const callAgent = await CallAgent.start(agentBrowser, server.url, 'alice');
      pages.push(callAgent.page);
      try {
        await callAgent.page.evaluate(() => { window.callAgent.autoAccept = { video: true }; });
        await openWidget(page);
        await waitForWidget(page, (s) => s.view === 'home' && s.offered.includes('video'));
        await chooseType(page, 'video');
        await fillForm(page, 'video', { name: 'Caller Person' });
        await submitForm(page, 'video');
        const s = await waitForWidget(page, (st) => st.contact && st.contact.state === 'pending');
        const id = s.contact.id;
        await callAgent.claim(id);
        // The server offers for the visitor; the agent accepts; the widget (offerer) starts the WebRTC offer.
        const offer = await callAgent.waitForEvent(id, (e) => e.event === 'media' && e.action === 'offer');
        assert.equal(offer.from, 'visitor');
        assert.equal(offer.video, true);
        await callAgent.waitForEvent(id, (e) => e.event === 'channel' && e.channel === 'video' && e.state === 'active');
        await waitForWidget(page, (st) => st.call.phase === 'active' && st.call.sendsVideo);
        await callAgent.waitForFrames(id, 0);
        await waitForWidgetFrames(page, 0);
        const agentStats = await callAgent.stats(id);
        assert.equal(agentStats.connectionState, 'connected');
        assert.ok(agentStats.framesSent > 0, 'the agent sends its camera');

        // Another page of the site: the call cannot follow, the widget hangs up; the contact goes on.
        await clickAndLoad(page, 'a[href="products.html"]');
        const hangup = await callAgent.waitForEvent(id, (e) => e.event === 'media' && e.action === 'hangup');
        assert.equal(hangup.from, 'visitor');
        const after = await waitForWidget(page, (st) => st.contact && st.call.phase === 'idle' &&
          st.contact.channels.voice === 'available');
        assert.equal(after.contact.id, id, 'the contact goes on');
        await finish(page, id, callAgent);
      } finally {
        await callAgent.close();
      }
    });

    guarded('without a camera the widget reports video false and offers no video', async () => {
      const other = await browser.createBrowserContext();
      const p = await other.newPage();
      p.e2eLog = [];
      p.on('console', (msg) => p.e2eLog.push(`[console.${msg.type()}] ${msg.text()}`));
      pages.push(p);
      try {
        await p.evaluateOnNewDocument(() => {
          const devices = navigator.mediaDevices;
          const original = devices.enumerateDevices.bind(devices);
          devices.enumerateDevices = async () => (await original()).filter((d) => d.kind !== 'videoinput');
        });
        await openDemo(p, server.url, 'index.html');
        await openWidget(p);
        const s = await waitForWidget(p, (st) => st.connection === 'online' && st.view === 'home');
        assert.ok(!s.offered.includes('video'), `video offered: ${s.offered}`);
        assert.ok(s.offered.includes('call'), `call not offered: ${s.offered}`);
        const types = await p.$$eval('.sbw-types [data-sbw-type]', (b) => b.map((n) => n.dataset.sbwType));
        assert.ok(!types.includes('video'));

        const id = await startChat(p, 'No Camera Person');
        await agent.waitForWaiting((c) => c.id === id);
        const snapshot = await agent.claim(id);
        assert.equal(snapshot.contact.channels.voice, 'available');
        assert.equal(snapshot.contact.channels.video, 'unavailable');
        await assert.rejects(agent.command('contact.media', { contact: id, action: 'offer', video: true }),
          (err) => err.code === 'medium_unsupported');

        // A voice call is offered as such: accept or refuse, no video choice.
        await agent.command('contact.media', { contact: id, action: 'offer', video: false });
        await waitForWidget(p, (st) => st.call.phase === 'invited' && !st.call.offer.video);
        await waitForText(p, '.sbw-call-prompt', /invites you to a voice call/);
        const buttons = await p.$$eval('.sbw-call-prompt button', (b) => b.map((n) => n.dataset.sbwCall));
        assert.deepEqual(buttons, ['accept', 'refuse']);
        await screenshot(p, `${TEST}-no-camera`, browserName);
        await p.click('.sbw-call-prompt [data-sbw-call="refuse"]');
        await agent.waitForEvent(id, (e) => e.event === 'media' && e.action === 'refuse');
        await finish(p, id);
      } finally {
        await other.close().catch(() => {});
      }
    });

    guarded('a denied microphone is reported to the agent and shown to the visitor', async () => {
      const other = await browser.createBrowserContext();
      const p = await other.newPage();
      p.e2eLog = [];
      p.on('console', (msg) => p.e2eLog.push(`[console.${msg.type()}] ${msg.text()}`));
      pages.push(p);
      try {
        await p.evaluateOnNewDocument(() => {
          navigator.mediaDevices.getUserMedia = () =>
            Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
        });
        await openDemo(p, server.url, 'index.html');
        const id = await startChat(p, 'Denied Person');
        await agent.waitForWaiting((c) => c.id === id);
        await agent.claim(id);
        await waitForWidget(p, (st) => st.contact && st.contact.state === 'assigned');
        const from = agent.mark();
        await agent.command('contact.media', { contact: id, action: 'offer', video: false });
        await waitForWidget(p, (st) => st.call.phase === 'invited');
        await p.click('.sbw-call-prompt [data-sbw-call="accept"]');
        const failed = await agent.waitForEvent(id, (e) => e.event === 'media' && e.action === 'failed', { from });
        assert.equal(failed.from, 'visitor');
        assert.equal(failed.reason, 'permission_denied');
        await waitForWidget(p, (st) => st.call.phase === 'failed' && st.call.failure === 'permission_denied' &&
          st.contact.channels.voice === 'available');
        await waitForText(p, '.sbw-call-error', /did not allow the microphone/);
        assert.equal(await p.$eval('.sbw-call-error', (n) => n.getAttribute('role')), 'alert');
        await screenshot(p, `${TEST}-permission-denied`, browserName);
        await p.click('.sbw-call-dismiss');
        await waitForWidget(p, (st) => st.call.phase === 'idle');
        await finish(p, id);
      } finally {
        await other.close().catch(() => {});
      }
    });
  });
}

async function saveFailure(pages, server, agent, browserName, step) {
  const sections = { step };
  pages.forEach((p, i) => {
    sections[`page ${i} widget state`] = () => p.evaluate(() => window.SwitchboardWidget?.state?.() ?? null);
    sections[`page ${i} log`] = pageLog(p);
  });
  sections['scripted agent received'] = received(agent);
  sections.server = server?.logs() ?? '';
  await saveFailureArtifacts(TEST, browserName, pages[0], sections);
}
