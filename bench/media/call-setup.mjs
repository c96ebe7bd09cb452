// Call set-up time (issue 6: "click to both sides active", target under 1.5 s on loopback), with a baseline
// measured in the same process: two RTCPeerConnections in one page, connected directly (no server, no
// signalling round trips), with the same fake camera and microphone.
//
// Switchboard figure: an agent page running the call engine (/media/call.js, tests/e2e/lib/call-agent.mjs,
// the same engine and protocol path as the console) and the visitor widget, each in its own Chromium, against
// the real server. Two measures, each over N calls:
//   - agent offer -> both sides active, the visitor's "Accept with video" clicked as soon as it shows;
//   - claim of a Video Call contact -> both sides active (the claim answers the visitor's call: no click).
// "Active" = the agent received channel video `active` AND the widget shows the call active.
//
// Run (after scripts/setup and the native + wasm builds): bench/media/run  [N, default 10]
import { performance } from 'node:perf_hooks';
import { startServer } from '../../tests/e2e/lib/server.mjs';
import { launch, newPage } from '../../tests/e2e/lib/browsers.mjs';
import { CallAgent } from '../../tests/e2e/lib/call-agent.mjs';
import { openDemo, openWidget, chooseType, fillForm, submitForm, waitForWidget } from '../../tests/e2e/lib/widget.mjs';

const N = Number(process.argv[2]) || 10;

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}
const ms = (x) => `${x.toFixed(0)} ms`;

// Baseline: a direct loopback pair in one page.
async function baseline(browser, url) {
  const page = await newPage(browser);
  await page.goto(`${url}/healthz`);
  const times = [];
  for (let i = 0; i < N; ++i) {
    times.push(await page.evaluate(async () => {
      const t0 = performance.now();
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      const a = new RTCPeerConnection();
      const b = new RTCPeerConnection();
      a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
      b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
      for (const t of stream.getTracks()) a.addTrack(t, stream);
      const connected = (pc) => new Promise((r) => {
        const check = () => pc.connectionState === 'connected' && r();
        pc.addEventListener('connectionstatechange', check);
        check();
      });
      const both = Promise.all([connected(a), connected(b)]);
      await a.setLocalDescription(await a.createOffer());
      await b.setRemoteDescription(a.localDescription);
      await b.setLocalDescription(await b.createAnswer());
      await a.setRemoteDescription(b.localDescription);
      await both;
      const t = performance.now() - t0;
      a.close();
      b.close();
      stream.getTracks().forEach((x) => x.stop());
      return t;
    }));
  }
  await page.close();
  return times;
}

async function startChat(page, type, name) {
  await openWidget(page);
  await waitForWidget(page, (s) => s.view === 'home' && s.connection === 'online');
  await chooseType(page, type);
  await fillForm(page, type, { name });
  await submitForm(page, type);
  return (await waitForWidget(page, (s) => s.contact && s.contact.state === 'pending')).contact.id;
}

async function endContact(page, agent, id) {
  await agent.command('contact.stop', { contact: id });
  await waitForWidget(page, (s) => s.contact === null && s.call.phase === 'idle');
  await openWidget(page);
  await page.click('.sbw-actions .sbw-primary');
  await waitForWidget(page, (s) => s.view === 'home');
}

async function main() {
  const server = await startServer();
  const agentBrowser = await launch('chromium');
  const visitorBrowser = await launch('chromium');
  try {
    const base = await baseline(visitorBrowser, server.url);
    const agent = await CallAgent.start(agentBrowser, server.url, 'alice');
    const page = await newPage(visitorBrowser);
    await openDemo(page, server.url, 'index.html');

    const offered = [];
    for (let i = 0; i < N; ++i) {
      const id = await startChat(page, 'chat', `Bench ${i}`);
      await agent.claim(id);
      await waitForWidget(page, (s) => s.contact && s.contact.state === 'assigned');
      const t0 = performance.now();
      await agent.call('offer', id, true);
      await page.waitForSelector('.sbw-call-prompt [data-sbw-call="accept-video"]', { visible: true });
      await page.click('.sbw-call-prompt [data-sbw-call="accept-video"]');
      await agent.waitForEvent(id, (e) => e.event === 'channel' && e.channel === 'video' && e.state === 'active');
      await waitForWidget(page, (s) => s.call.phase === 'active');
      offered.push(performance.now() - t0);
      await agent.call('hangup', id);
      await endContact(page, agent, id);
    }

    const claimed = [];
    await agent.page.evaluate(() => { window.callAgent.autoAccept = { video: true }; });
    for (let i = 0; i < N; ++i) {
      const id = await startChat(page, 'video', `Bench video ${i}`);
      const t0 = performance.now();
      await agent.claim(id);
      await agent.waitForEvent(id, (e) => e.event === 'channel' && e.channel === 'video' && e.state === 'active');
      await waitForWidget(page, (s) => s.call.phase === 'active');
      claimed.push(performance.now() - t0);
      await agent.call('hangup', id);
      await endContact(page, agent, id);
    }

    const b = stats(base);
    const o = stats(offered);
    const c = stats(claimed);
    console.log(`call set-up, ${N} calls each, Chromium <-> Chromium on loopback (fake camera + microphone)`);
    console.log(`| measure | p50 | p95 | max | ratio p50 vs baseline |`);
    console.log(`|---------|-----|-----|-----|------------------------|`);
    console.log(`| baseline: direct RTCPeerConnection pair in one page | ${ms(b.p50)} | ${ms(b.p95)} | ${ms(b.max)} | 1 |`);
    console.log(`| agent offer -> visitor accepts -> both active | ${ms(o.p50)} | ${ms(o.p95)} | ${ms(o.max)} | ${(o.p50 / b.p50).toFixed(1)} |`);
    console.log(`| claim of a Video Call contact -> both active | ${ms(c.p50)} | ${ms(c.p95)} | ${ms(c.max)} | ${(c.p50 / b.p50).toFixed(1)} |`);
    await agent.close();
  } finally {
    await agentBrowser.close().catch(() => {});
    await visitorBrowser.close().catch(() => {});
    await server.stop().catch(() => {});
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
