// End-to-end: calls from the agent console (docs/protocol.md, "Calls"; issue 6). The console (Alice, real
// login and clicks located through the automation bridge) and the visitor widget run in separate browsers
// against the real server, with fake cameras and microphones:
//  - chat to video and back: the video icon offers, the toolbar waits, the visitor accepts with video; voice and
//    video go active in the console's state; video frames are decoded on both sides (getStats framesDecoded
//    grows) and the ImGui video area shows the visitor's camera (non-black pixels in a screenshot of it); the
//    video detaches into its own window and back; mute; the green video icon ends the call and the contact goes
//    on in chat;
//  - voice-only acceptance (the visitor sees the agent without being seen);
//  - refusal (a notice, the icons back to dark grey);
//  - a browser call from the phone icon's popup; the visitor closes the chat part and the contact goes on as a
//    call (chat light grey); closing the contact ends the call on both sides;
//  - a camera or microphone denied on either side is reported in the panel;
//  - a Video Call contact rings and goes straight to media when taken.
// All flows with the console in Chromium; chat to video and back once more with the console in Firefox (the
// widget stays in Chromium). Call set-up times (click to both sides active) are printed and saved.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { launch, newPage, browsersToTest } from './lib/browsers.mjs';
import {
  waitForState, waitForItem, clickItem, screenshot as pageShot, afterFrames, saveArtifact, removeArtifacts, ARTIFACTS_DIR,
} from './lib/console.mjs';
import { loginReady, isolatedPage } from './lib/console-session.mjs';
import { openDemo, openWidget, chooseType, fillForm, submitForm, waitForWidget } from './lib/widget.mjs';
import { decodePng, brightShare } from './lib/png.mjs';

const TEST = 'media-console';
const SHOTS = ['waiting', 'video', 'detached', 'voice-only', 'refused', 'browser-call', 'chat-closed', 'denied',
  'video-contact', 'failure'];
const TIMEOUT = 30_000;

/** A screenshot of the console without a tooltip in the way: the mouse moves off first. */
async function screenshot(page, name, label) {
  await page.mouse.move(2, 795);
  await afterFrames(page, 3);
  return pageShot(page, name, label);
}

const available = browsersToTest();
const pairs = [];
if (available.includes('chromium')) pairs.push({ console: 'chromium', widget: 'chromium', all: true });
if (available.includes('chromium') && available.includes('firefox')) {
  pairs.push({ console: 'firefox', widget: 'chromium', all: false });
}

for (const pair of pairs) {
  const label = `console-${pair.console}_widget-${pair.widget}`;
  describe(`${TEST} (console in ${pair.console}, widget in ${pair.widget})`, { timeout: 600_000 }, () => {
    let server;
    let consoleBrowser;
    let widgetBrowser;
    let page; // Alice's console
    const widgets = []; // {page, close} per flow: each visitor in its own browser context
    const setupTimes = [];

    before(async () => {
      for (const s of SHOTS) await removeArtifacts(`${TEST}-${s}`, label);
      server = await startServer();
      consoleBrowser = await launch(pair.console);
      widgetBrowser = await launch(pair.widget);
      page = await newPage(consoleBrowser);
      await loginReady(page, server.url, 'alice');
    });

    after(async () => {
      if (page?.e2eLog) await saveArtifact(`${TEST}-${label}.console.log`, page.e2eLog.join('\n')).catch(() => {});
      for (const [i, w] of widgets.entries()) {
        if (w.page?.e2eLog) await saveArtifact(`${TEST}-${label}.widget${i}.log`, w.page.e2eLog.join('\n')).catch(() => {});
        await w.close().catch(() => {});
      }
      if (setupTimes.length) {
        await saveArtifact(`${TEST}-${label}.setup-times.json`, JSON.stringify(setupTimes, null, 2)).catch(() => {});
      }
      await widgetBrowser?.close().catch((e) => console.error(`closing the widget's ${pair.widget}: ${e.message}`));
      await consoleBrowser?.close().catch((e) => console.error(`closing the console's ${pair.console}: ${e.message}`));
      const exit = await server?.stop().catch((e) => console.error(`stopping the server: ${e.message}`));
      if (server) await saveArtifact(`${TEST}-${label}.server.log`, server.logs()).catch(() => {});
      if (exit?.forced) console.error('the server ignored SIGTERM and was killed');
    });

    // Call set-up times: from the agent's click (and from the visitor's answer) to both sides active, as the
    // test sees them (its polling adds up to 50 ms).
    function recordSetup(kind, clicked, answered) {
      const now = Date.now();
      setupTimes.push({ kind, clickToActiveMs: now - clicked, answerToActiveMs: now - answered });
      console.log(`${label}: ${kind} call: ${now - clicked} ms from the agent's click, ${now - answered} ms from the ` +
        'answer to both sides active');
    }

    const flow = (name, fn, { all = false } = {}) => it(name, { skip: all && !pair.all ? 'once across browsers' : false },
      async () => {
        try {
          await fn();
        } catch (err) {
          await screenshot(page, `${TEST}-failure`, label).catch(() => {});
          throw err;
        }
      });

    // --- helpers --------------------------------------------------------------------------------------------

    /** A visitor in a fresh browser context on the demo site, asking for `type`; returns {w, id}. */
    async function visitorAsks(type, name) {
      const w = await isolatedPage(widgetBrowser, () => launch(pair.widget));
      widgets.push(w);
      await w.page.bringToFront();
      await openDemo(w.page, server.url, 'index.html');
      await openWidget(w.page);
      await waitForWidget(w.page, (s) => s.view === 'home' && s.connection === 'online' && s.offered.includes('video'));
      await chooseType(w.page, type);
      await fillForm(w.page, type, { name });
      await submitForm(w.page, type);
      const s = await waitForWidget(w.page, (st) => st.contact && st.contact.state === 'pending');
      return { w: w.page, id: s.contact.id };
    }

    /** Alice takes the (only) waiting contact with the waiting box; waits until its panel is expanded. */
    async function take(id) {
      await waitForState(page, `s => s.waiting.contacts.some((c) => c.id === ${JSON.stringify(id)})`, TIMEOUT);
      await clickItem(page, 'waiting.box');
      return waitForState(page, `s => s.contacts.some((c) => c.id === ${JSON.stringify(id)} && c.state === 'assigned' &&
        c.expanded && c.channels.voice === 'available' && c.channels.video === 'available')`, TIMEOUT);
    }

    const contactIs = (id, test) => `s => { const c = s.contacts.find((x) => x.id === ${JSON.stringify(id)}); ` +
      `return Boolean(c) && (${test})(c); }`;

    /** The console's call figures for a contact (SwitchboardCall.stats() through the embedding API). */
    const consoleStats = (id) => page.evaluate((c) => window.switchboard.callStats(c), id);

    /** Waits until a side's call decoded more than `above` video frames; returns its stats. */
    async function framesAbove(p, which, id, above) {
      const handle = await p.waitForFunction(async (side, c, n) => {
        const call = side === 'console' ? null : window.SwitchboardWidget.widget.calls.engine;
        const s = side === 'console' ? await window.switchboard.callStats(c) : call && await call.stats();
        return s && s.framesDecoded > n ? s : false;
      }, { timeout: TIMEOUT, polling: 100 }, which, id, above);
      const v = await handle.jsonValue();
      await handle.dispose().catch(() => {});
      return v;
    }

    /** Waits until the console has drawn more than `above` frames of the visitor's video into its texture. */
    async function drawnAbove(id, above) {
      const handle = await page.waitForFunction((c, n) => {
        const call = window.switchboard.calls()[c];
        return call && call.frames.remote > n ? call.frames.remote : false;
      }, { timeout: TIMEOUT, polling: 100 }, id, above);
      const v = await handle.jsonValue();
      await handle.dispose().catch(() => {});
      return v;
    }

    /** The share of bright pixels in a screenshot of a named item (the ImGui video). */
    async function brightIn(item, shot) {
      const r = await waitForItem(page, item, TIMEOUT);
      const clip = { x: Math.ceil(r.x) + 1, y: Math.ceil(r.y) + 1, width: Math.floor(r.w) - 2, height: Math.floor(r.h) - 2 };
      const png = await page.screenshot({ clip, path: `${ARTIFACTS_DIR}/${TEST}-${shot}-${label}.clip.png` });
      return brightShare(decodePng(Buffer.from(png)));
    }

    /** Alice closes the contact through the stop popup and removes its panel; the visitor's call ends. */
    async function closeContact(id, w) {
      await clickItem(page, `panel.${id}.stop`);
      await clickItem(page, 'stop.confirm');
      await waitForState(page, contactIs(id, (c) => c.state === 'closed' && c.call === null));
      await waitForWidget(w, (s) => ['idle', 'failed'].includes(s.call.phase) && (s.contact === null || s.contact.state === 'closed'));
      assert.deepEqual(await page.evaluate(() => Object.keys(window.switchboard.calls())), [], 'no call runs any more');
      await clickItem(page, `panel.${id}.stop`); // "Remove this panel"
      await waitForState(page, `s => !s.contacts.some((c) => c.id === ${JSON.stringify(id)})`);
    }

    // --- flows ----------------------------------------------------------------------------------------------

    flow('chat to video and back: both sides decode video, the ImGui area shows it, the contact goes on', async () => {
      const { w, id } = await visitorAsks('chat', 'Video Person');
      await take(id);
      await page.bringToFront();
      const clicked = Date.now();
      await clickItem(page, `panel.${id}.channel.video`);
      await waitForState(page, contactIs(id, (c) => c.call && c.call.state === 'offered' && c.call.offerer === 'agent' &&
        c.call.video && c.channels.voice === 'connecting' && c.channels.video === 'connecting'));
      await waitForItem(page, `panel.${id}.call.waiting`);
      await screenshot(page, `${TEST}-waiting`, label);

      await waitForWidget(w, (s) => s.call.phase === 'invited' && s.call.offer.video);
      const accepted = Date.now();
      await w.click('.sbw-call-prompt [data-sbw-call="accept-video"]');
      await waitForState(page, contactIs(id, (c) => c.call && c.call.state === 'active' && c.call.accepterVideo &&
        c.channels.voice === 'active' && c.channels.video === 'active' && c.channels.chat === 'active'), TIMEOUT);
      await waitForWidget(w, (s) => s.call.phase === 'active' && s.contact.channels.video === 'active');
      recordSetup('video', clicked, accepted);

      // Frames decoded on both sides, and more and more of them.
      const c1 = await framesAbove(page, 'console', id, 0);
      await framesAbove(page, 'console', id, c1.framesDecoded);
      const w1 = await framesAbove(w, 'widget', id, 0);
      await framesAbove(w, 'widget', id, w1.framesDecoded);
      assert.ok((await consoleStats(id)).framesSent > 0, 'the agent sends their camera');
      // The console uploads them into its texture and draws them inside ImGui.
      const drawn = await drawnAbove(id, 0);
      await drawnAbove(id, drawn);
      const calls = await page.evaluate(() => window.switchboard.calls());
      assert.ok(calls[id].video.remote.width > 0 && calls[id].video.local.width > 0, JSON.stringify(calls));
      await waitForItem(page, `panel.${id}.video.local`);
      const bright = await brightIn(`panel.${id}.video.remote`, 'video');
      assert.ok(bright > 0.01, `the video area shows the visitor's camera (bright share ${bright})`);
      await screenshot(page, `${TEST}-video`, label);

      // Detach into its own window and back.
      await clickItem(page, `panel.${id}.video.toggle`);
      await waitForItem(page, `panel.${id}.video.window`);
      await waitForItem(page, `panel.${id}.video.attach`);
      const detached = await brightIn(`panel.${id}.video.remote`, 'detached');
      assert.ok(detached > 0.01, `the detached window shows the video (bright share ${detached})`);
      await screenshot(page, `${TEST}-detached`, label);
      await clickItem(page, `panel.${id}.video.toggle`);
      await page.waitForFunction((c) => !window.switchboard.locate(`panel.${c}.video.window`) &&
        window.switchboard.locate(`panel.${c}.video`), { timeout: TIMEOUT, polling: 50 }, id);

      // Mute.
      await clickItem(page, `panel.${id}.mute`);
      await waitForState(page, contactIs(id, (c) => c.call && c.call.muted));
      await page.waitForFunction((c) => window.switchboard.calls()[c].muted, { timeout: TIMEOUT, polling: 50 }, id);
      await clickItem(page, `panel.${id}.mute`);
      await waitForState(page, contactIs(id, (c) => c.call && !c.call.muted));

      // The green video icon ends the video: back to chat, the contact goes on.
      await clickItem(page, `panel.${id}.channel.video`);
      await waitForState(page, contactIs(id, (c) => c.call === null && c.state === 'assigned' &&
        c.channels.voice === 'available' && c.channels.video === 'available' && c.channels.chat === 'active'));
      await waitForWidget(w, (s) => s.call.phase === 'idle' && s.contact && s.contact.state === 'assigned');
      await page.waitForFunction((c) => !window.switchboard.locate(`panel.${c}.video`), { timeout: TIMEOUT, polling: 50 }, id);
      await waitForItem(page, `panel.${id}.input`);
      assert.deepEqual(await page.evaluate(() => Object.keys(window.switchboard.calls())), []);
      await closeContact(id, w);
    });

    flow('voice-only acceptance: the visitor sees the agent without being seen', async () => {
      const { w, id } = await visitorAsks('chat', 'Shy Person');
      await take(id);
      await page.bringToFront();
      await clickItem(page, `panel.${id}.channel.video`);
      await waitForWidget(w, (s) => s.call.phase === 'invited' && s.call.offer.video);
      await w.click('.sbw-call-prompt [data-sbw-call="voice-only"]');
      await waitForState(page, contactIs(id, (c) => c.call && c.call.state === 'active' && c.call.video &&
        !c.call.accepterVideo && c.channels.voice === 'active' && c.channels.video === 'active'), TIMEOUT);
      const w1 = await framesAbove(w, 'widget', id, 0);
      await framesAbove(w, 'widget', id, w1.framesDecoded);
      const stats = await consoleStats(id);
      assert.ok(stats.framesSent > 0, 'the agent sends their camera');
      assert.equal(stats.framesDecoded, 0, 'the visitor sends none');
      assert.equal((await page.evaluate((c) => window.switchboard.calls()[c], id)).video.remote, null);
      await waitForItem(page, `panel.${id}.video`);
      await screenshot(page, `${TEST}-voice-only`, label);
      await clickItem(page, `panel.${id}.hangup`);
      await waitForState(page, contactIs(id, (c) => c.call === null && c.channels.video === 'available'));
      await waitForWidget(w, (s) => s.call.phase === 'idle');
      await closeContact(id, w);
    }, { all: true });

    flow('refusal: a notice in the panel, the icons back to dark grey', async () => {
      const { w, id } = await visitorAsks('chat', 'Busy Person');
      await take(id);
      await page.bringToFront();
      await clickItem(page, `panel.${id}.channel.video`);
      await waitForWidget(w, (s) => s.call.phase === 'invited');
      await w.click('.sbw-call-prompt [data-sbw-call="refuse"]');
      await waitForState(page, contactIs(id, (c) => c.call === null &&
        c.callNotice === 'The customer refused the video call' &&
        c.channels.voice === 'available' && c.channels.video === 'available'));
      await waitForItem(page, `panel.${id}.call.notice`);
      await screenshot(page, `${TEST}-refused`, label);
      await clickItem(page, `panel.${id}.call.notice`);
      await waitForState(page, contactIs(id, (c) => c.callNotice === ''));
      await closeContact(id, w);
    }, { all: true });

    flow('a browser call: the visitor closes the chat, the contact goes on as a call until it is closed', async () => {
      const { w, id } = await visitorAsks('chat', 'Caller Person');
      await take(id);
      await page.bringToFront();
      await clickItem(page, `panel.${id}.channel.voice`);
      await waitForItem(page, `panel.${id}.voice.pstn`);
      const clicked = Date.now();
      await clickItem(page, `panel.${id}.voice.browser`);
      await waitForState(page, contactIs(id, (c) => c.call && !c.call.video && c.channels.voice === 'connecting' &&
        c.channels.video === 'available'));
      await waitForWidget(w, (s) => s.call.phase === 'invited' && !s.call.offer.video);
      const accepted = Date.now();
      await w.click('.sbw-call-prompt [data-sbw-call="accept"]');
      await waitForState(page, contactIs(id, (c) => c.call && c.call.state === 'active' && c.channels.voice === 'active' &&
        c.channels.video === 'available'), TIMEOUT);
      await waitForWidget(w, (s) => s.call.phase === 'active');
      recordSetup('voice', clicked, accepted);
      await waitForItem(page, `panel.${id}.callbar`);
      await screenshot(page, `${TEST}-browser-call`, label);

      // The visitor closes the chat part of the widget: chat light grey, the call goes on.
      await w.bringToFront();
      await w.click('.sbw-close');
      await waitForState(page, contactIs(id, (c) => c.state === 'assigned' && c.channels.chat === 'unavailable' &&
        c.call && c.call.state === 'active' && c.channels.voice === 'active'));
      const before = await consoleStats(id);
      await page.waitForFunction(async (c, n) => {
        const s = await window.switchboard.callStats(c);
        return s && s.bytesReceived > n;
      }, { timeout: TIMEOUT, polling: 200 }, id, before.bytesReceived);
      await page.bringToFront();
      await waitForItem(page, `panel.${id}.channel.chat`);
      await screenshot(page, `${TEST}-chat-closed`, label);
      // Closing the contact ends the call on both sides.
      await closeContact(id, w);
    }, { all: true });

    flow('a denied camera or microphone is reported on either side', async () => {
      const deny = () => {
        window.__realGetUserMedia = window.__realGetUserMedia || navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
        navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
      };
      const allow = () => { navigator.mediaDevices.getUserMedia = window.__realGetUserMedia; };
      const { w, id } = await visitorAsks('chat', 'Denied Person');
      await take(id);
      const offerCall = async () => {
        await page.bringToFront();
        await clickItem(page, `panel.${id}.channel.voice`);
        await clickItem(page, `panel.${id}.voice.browser`);
        await waitForWidget(w, (s) => s.call.phase === 'invited');
        await w.click('.sbw-call-prompt [data-sbw-call="accept"]');
      };
      // The visitor's browser refuses the microphone.
      await w.evaluate(deny);
      await offerCall();
      await waitForState(page, contactIs(id, (c) => c.call === null && c.channels.voice === 'available' &&
        c.callNotice === "The customer's camera or microphone permission was denied"));
      await waitForItem(page, `panel.${id}.call.notice`);
      await screenshot(page, `${TEST}-denied`, label);
      // The agent's browser refuses it.
      await w.evaluate(allow);
      await waitForWidget(w, (s) => s.call.phase === 'failed');
      await w.click('.sbw-call-dismiss');
      await page.evaluate(deny);
      try {
        await offerCall();
        await waitForState(page, contactIs(id, (c) => c.call === null && c.channels.voice === 'available' &&
          c.callNotice === 'Camera or microphone permission denied'));
        await waitForWidget(w, (s) => s.call.phase !== 'active' && s.contact.channels.voice === 'available');
      } finally {
        await page.evaluate(allow);
      }
      assert.deepEqual(await page.evaluate(() => Object.keys(window.switchboard.calls())), []);
      await closeContact(id, w);
    }, { all: true });

    flow('a Video Call contact rings and goes straight to media when taken', async () => {
      const { w, id } = await visitorAsks('video', 'Camera Person');
      const waiting = await waitForState(page, `s => s.waiting.contacts.some((c) => c.id === ${JSON.stringify(id)})`);
      assert.equal(waiting.waiting.contacts.find((c) => c.id === id).type, 'video');
      const notified = waiting.notify.notified;
      await page.bringToFront();
      const clicked = Date.now();
      await clickItem(page, 'waiting.box');
      await waitForState(page, contactIs(id, (c) => c.call && c.call.state === 'active' && c.call.offerer === 'visitor' &&
        c.call.mine && c.channels.video === 'active' && c.channels.voice === 'active'), TIMEOUT);
      await waitForWidget(w, (st) => st.call.phase === 'active');
      recordSetup('video contact (claim)', clicked, clicked);
      const s = await waitForState(page, `s => s.notify.notified > ${notified}`);
      assert.ok(await page.evaluate(() => window.switchboard.alerts.last === 'call' ||
        window.switchboard.state().notify.lastKind === 'call'), `rang: ${JSON.stringify(s.notify)}`);
      await waitForWidget(w, (st) => st.call.phase === 'active');
      const c1 = await framesAbove(page, 'console', id, 0);
      await framesAbove(page, 'console', id, c1.framesDecoded);
      await drawnAbove(id, 0);
      const bright = await brightIn(`panel.${id}.video.remote`, 'video-contact');
      assert.ok(bright > 0.01, `the video area shows the visitor's camera (bright share ${bright})`);
      await screenshot(page, `${TEST}-video-contact`, label);
      await closeContact(id, w);
    }, { all: true });
  });
}
