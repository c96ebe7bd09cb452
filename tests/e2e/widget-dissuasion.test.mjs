// End-to-end (Chromium): nobody takes a chat before the service's dissuasion time (5 s here) runs out; the
// widget counts down, then says no agent is free and offers the weblead form pre-filled with what the visitor
// typed (sent messages and the unsent draft); its submission reaches an agent as a weblead contact.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { startServer, DEMO_CONFIG } from './lib/server.mjs';
import { launch, newPage, browsersToTest } from './lib/browsers.mjs';
import { screenshot, saveArtifact, removeArtifacts, saveFailureArtifacts, pageLog, received } from './lib/console.mjs';
import { ScriptedAgent } from './lib/agent.mjs';
import {
  openDemo, openWidget, chooseType, fillForm, formValues, submitForm, typeChat, waitForWidget, waitForText,
  widgetState,
} from './lib/widget.mjs';

const TEST = 'widget-dissuasion';
const DISSUASION_SECONDS = 5;

for (const browserName of browsersToTest().filter((b) => b === 'chromium')) {
  describe(`${TEST} (${browserName})`, { timeout: 180_000 }, () => {
    let server;
    let browser;
    let page;
    let agent;

    before(async () => {
      for (const s of ['countdown', 'form', 'done', 'failure']) await removeArtifacts(`${TEST}-${s}`, browserName);
      const config = JSON.parse(await fs.readFile(DEMO_CONFIG, 'utf8'));
      config.services.find((s) => s.id === 'sales').dissuasion_seconds = DISSUASION_SECONDS;
      server = await startServer({ config });
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

    it('a dissuaded chat offers the weblead form pre-filled, whose submission arrives as a weblead', async () => {
      try {
        await openDemo(page, server.url, 'products.html');
        await openWidget(page);
        await chooseType(page, 'chat');
        await fillForm(page, 'chat', { name: 'Dora Waiting', message: 'Do you ship to Malta?' });
        await submitForm(page, 'chat');
        const waiting = await waitForWidget(page, (s) => s.contact && s.contact.state === 'pending');
        // The countdown is consistent with the service's dissuasion time.
        const left = await page.$eval('.sbw-countdown', (n) => n.textContent);
        const m = /(\d+):(\d\d)/.exec(left);
        assert.ok(m, `countdown text: ${left}`);
        assert.ok(Number(m[1]) * 60 + Number(m[2]) <= DISSUASION_SECONDS, `countdown ${left} within ${DISSUASION_SECONDS} s`);
        // queue.position: the only contact waiting for this service is the next one.
        await waitForText(page, '.sbw-position', /\b1\b/);
        await typeChat(page, 'and to Gozo');
        await screenshot(page, `${TEST}-countdown`, browserName);

        await waitForWidget(page, (s) => s.view === 'dissuaded', (DISSUASION_SECONDS + 15) * 1000);
        await waitForText(page, '.sbw-dissuaded', /No agent is free/);
        const values = await formValues(page, 'weblead');
        assert.equal(values.name, 'Dora Waiting');
        assert.match(values.message, /Do you ship to Malta\?/);
        assert.match(values.message, /and to Gozo/, 'the unsent draft is kept too');
        await screenshot(page, `${TEST}-form`, browserName);

        await fillForm(page, 'weblead', { email: 'dora@example.com' });
        await submitForm(page, 'weblead');
        await waitForWidget(page, (s) => s.view === 'done');
        await screenshot(page, `${TEST}-done`, browserName);

        agent = await ScriptedAgent.start(server.url, 'carla');
        const lead = await agent.waitForWaiting((c) => c.type === 'weblead');
        assert.equal(lead.service.id, 'sales');
        assert.equal(lead.weblead.name, 'Dora Waiting');
        assert.equal(lead.weblead.email, 'dora@example.com');
        assert.match(lead.weblead.message, /Do you ship to Malta\?\nand to Gozo/);
        assert.notEqual(lead.id, waiting.contact.id);
      } catch (err) {
        await saveFailure(page, server, agent, browserName);
        throw err;
      }
    });
  });
}

async function saveFailure(page, server, agent, browserName) {
  await saveFailureArtifacts(TEST, browserName, page, {
    'widget state': () => widgetState(page), 'page log': pageLog(page), 'agent received': received(agent),
    server: server?.logs() ?? '',
  });
}
