// End-to-end (Chromium): the visitor's WebSocket drops during a video call. The call is browser to browser
// (the server only relays its signalling), so it goes on: video frames keep being decoded on both sides while
// the widget reconnects, the widget comes back online with the call still active, and neither side hangs up.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { launch, newPage } from './lib/browsers.mjs';
import { saveArtifact } from './lib/console.mjs';
import { CallAgent } from './lib/call-agent.mjs';
import { openDemo, waitForWidget, waitForWidgetFrames, startVideoCall } from './lib/widget.mjs';

const TEST = 'media-reconnect';


describe(`${TEST} (chromium)`, { timeout: 300_000 }, () => {
  let server;
  let browser;
  let agentBrowser;
  let page;
  let callAgent;

  before(async () => {
    server = await startServer();
    browser = await launch('chromium');
    agentBrowser = await launch('chromium');
    page = await newPage(browser);
    callAgent = await CallAgent.start(agentBrowser, server.url, 'alice');
  });

  after(async () => {
    if (page?.e2eLog) await saveArtifact(`${TEST}.widget.log`, page.e2eLog.join('\n')).catch(() => {});
    if (callAgent?.page?.e2eLog) await saveArtifact(`${TEST}.agent.log`, callAgent.page.e2eLog.join('\n')).catch(() => {});
    await callAgent?.close().catch(() => {});
    await browser?.close().catch((e) => console.error(`closing chromium: ${e.message}`));
    await agentBrowser?.close().catch((e) => console.error(`closing the agent's chromium: ${e.message}`));
    await server?.stop().catch((e) => console.error(`stopping the server: ${e.message}`));
    if (server) await saveArtifact(`${TEST}.server.log`, server.logs()).catch(() => {});
  });

  it('the widget reconnecting its WebSocket does not drop the call', async () => {
    await openDemo(page, server.url, 'index.html');
    const id = await startVideoCall(page, callAgent, 'Wobbly Network');
    const agentBefore = await callAgent.waitForFrames(id, 0);
    const widgetBefore = await waitForWidgetFrames(page, 0);

    // The network drops the widget's socket; the widget reconnects by itself.
    await page.evaluate(() => window.SwitchboardWidget.widget.conn.ws.close());
    await waitForWidget(page, (st) => st.connection !== 'online');
    const back = await waitForWidget(page, (st) => st.connection === 'online' && st.contact);
    assert.equal(back.contact.id, id, 'the same contact after the reconnect');

    // Frames keep flowing both ways; the call is still active on both sides; nobody hung up.
    await callAgent.waitForFrames(id, agentBefore.framesDecoded + 30);
    await waitForWidgetFrames(page, widgetBefore.framesDecoded + 30);
    const after = await waitForWidget(page, (st) => st.call.phase === 'active');
    assert.equal(after.contact.channels.video, 'active');
    const ended = (await callAgent.events(id)).filter((e) => e.event === 'media' &&
      ['hangup', 'failed'].includes(e.action));
    assert.deepEqual(ended, [], 'no hangup or failure');
    assert.equal((await callAgent.stats(id)).connectionState, 'connected');

    await callAgent.call('hangup', id);
    await waitForWidget(page, (st) => st.call.phase === 'idle');
    await callAgent.command('contact.stop', { contact: id });
  });
});
