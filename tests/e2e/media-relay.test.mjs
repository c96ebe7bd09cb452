// End-to-end (Chromium): a call forced through a TURN relay. A private coturn on loopback (lib/turn.mjs) with
// the REST-API shared secret; the server's `media` config names it and sets ice_transport_policy "relay", so
// both browsers may only use relay candidates, with the time-limited credentials the server issued in their
// welcomes (docs/protocol.md, "ICE servers"). The call connects and decodes video on both sides only if coturn
// accepted those credentials and relayed the media; getStats shows relay candidates on both ends.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { startServer, DEMO_CONFIG } from './lib/server.mjs';
import { startTurn } from './lib/turn.mjs';
import { launch, newPage } from './lib/browsers.mjs';
import { saveArtifact } from './lib/console.mjs';
import { CallAgent } from './lib/call-agent.mjs';
import { openDemo, waitForWidget, waitForWidgetFrames, startVideoCall } from './lib/widget.mjs';

const TEST = 'media-relay';


describe(`${TEST} (chromium)`, { timeout: 300_000 }, () => {
  let turn;
  let server;
  let browser;
  let agentBrowser;
  let page;
  let callAgent;

  before(async () => {
    turn = await startTurn();
    const config = JSON.parse(await fs.readFile(DEMO_CONFIG, 'utf8'));
    config.media = turn.media;
    server = await startServer({ config });
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
    if (turn) await saveArtifact(`${TEST}.turn.log`, turn.logs()).catch(() => {});
    await turn?.stop().catch((e) => console.error(`stopping coturn: ${e.message}`));
  });

  it('a video call with relay-only ICE connects through coturn with the server-issued credentials', async () => {
    const welcome = await callAgent.page.evaluate(() => window.callAgent.welcome);
    assert.equal(welcome.ice_transport_policy, 'relay');
    const turnServer = welcome.ice_servers.find((s) => s.urls.includes(turn.url));
    assert.ok(turnServer, `the agent got the TURN server: ${JSON.stringify(welcome.ice_servers)}`);
    assert.match(turnServer.username, /^\d+:alice$/);
    assert.ok(turnServer.credential.length > 0);

    await openDemo(page, server.url, 'index.html');
    const id = await startVideoCall(page, callAgent, 'Relayed Person');

    const agentFirst = await callAgent.waitForFrames(id, 0);
    const widgetFirst = await waitForWidgetFrames(page, 0);
    await callAgent.waitForFrames(id, agentFirst.framesDecoded);
    await waitForWidgetFrames(page, widgetFirst.framesDecoded);
    const agentStats = await callAgent.stats(id);
    const widgetStats = await waitForWidgetFrames(page, 0);
    assert.equal(agentStats.localCandidateType, 'relay', JSON.stringify(agentStats));
    assert.equal(widgetStats.localCandidateType, 'relay', JSON.stringify(widgetStats));

    await callAgent.call('hangup', id);
    await waitForWidget(page, (st) => st.call.phase === 'idle');
    await callAgent.command('contact.stop', { contact: id });
  });
});
