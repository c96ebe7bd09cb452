// End-to-end: a chat waits in Alice's drawer with its dissuasion loader running; nobody takes it, its
// dissuasion time (6 s here) runs out, it leaves the drawer and the waiting box goes back to 0, and the
// visitor's contact is closed as dissuaded. Waits on the console state only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { startServer, DEMO_CONFIG } from './lib/server.mjs';
import { launch, newPage, browsersToTest } from './lib/browsers.mjs';
import { state, waitForState, waitForItem, screenshot, saveArtifact, removeArtifacts } from './lib/console.mjs';
import { ScriptedVisitor, waitForContactEvent } from './lib/agent.mjs';
import { loginReady, hoverItem } from './lib/console-session.mjs';

const TEST = 'contact-dissuasion';
const DISSUASION_SECONDS = 6;

for (const browserName of browsersToTest()) {
  describe(`${TEST} (${browserName})`, { timeout: 240_000 }, () => {
    let server;
    let browser;
    let page;
    let visitor;

    before(async () => {
      for (const s of ['pending', 'late', 'gone', 'failure']) await removeArtifacts(`${TEST}-${s}`, browserName);
      const config = JSON.parse(await fs.readFile(DEMO_CONFIG, 'utf8'));
      config.services.find((s) => s.id === 'sales').dissuasion_seconds = DISSUASION_SECONDS;
      server = await startServer({ config });
      browser = await launch(browserName);
      page = await newPage(browser);
    });

    after(async () => {
      if (page?.e2eLog) await saveArtifact(`${TEST}-${browserName}.page.log`, page.e2eLog.join('\n')).catch(() => {});
      visitor?.close();
      await browser?.close().catch((e) => console.error(`closing ${browserName}: ${e.message}`));
      const exit = await server?.stop().catch((e) => console.error(`stopping the server: ${e.message}`));
      if (server) await saveArtifact(`${TEST}-${browserName}.server.log`, server.logs()).catch(() => {});
      if (exit?.forced) console.error('the server ignored SIGTERM and was killed');
    });

    it('a contact nobody takes runs out its dissuasion time and leaves the drawer', async () => {
      try {
        await loginReady(page, server.url, 'alice');
        visitor = await ScriptedVisitor.start(server.url, { name: 'Dora Waiting' });
        const request = await visitor.command('contact.request', { service: 'sales', contact_type: 'chat' });
        const id = request.contact.id;

        const s = await waitForState(page, `s => s.waiting.count === 1 && s.waiting.contacts[0].id === ${JSON.stringify(id)}`);
        const w = s.waiting.contacts[0];
        assert.equal(w.deadline - w.createdAt, DISSUASION_SECONDS * 1000);
        await hoverItem(page, 'waiting.area');
        await waitForItem(page, `drawer.contact.${id}`);
        await screenshot(page, `${TEST}-pending`, browserName);

        // The loader fills as the deadline nears (the console redraws by itself, no input needed).
        await waitForState(page, 's => s.waiting.count === 1 && s.waiting.contacts[0].progress > 0.6',
          DISSUASION_SECONDS * 1000 + 5000);
        await screenshot(page, `${TEST}-late`, browserName);

        // Dissuaded: out of the drawer and the box, closed for the visitor.
        await waitForState(page, (st) => st.waiting.count === 0 && st.contacts.length === 0, DISSUASION_SECONDS * 1000 + 15_000);
        const closed = await waitForContactEvent(visitor, id, (e) => e.event === 'closed');
        assert.equal(closed.outcome, 'dissuaded');
        const after = await state(page);
        assert.equal(after.waiting.contacts.length, 0);
        // The row goes on the next frame drawn after the state changed.
        await page.waitForFunction((n) => window.switchboard.locate(n) === null, { timeout: 10_000, polling: 50 },
          `drawer.contact.${id}`);
        await screenshot(page, `${TEST}-gone`, browserName);
      } catch (err) {
        const saved = [];
        try { saved.push(await screenshot(page, `${TEST}-failure`, browserName)); } catch {}
        try {
          saved.push(await saveArtifact(`${TEST}-failure-${browserName}.log`,
            `state: ${JSON.stringify(await state(page).catch(() => null), null, 2)}\n\n` +
            `visitor received:\n${(visitor?.messages || []).map((m) => JSON.stringify(m)).join('\n')}\n\n` +
            `server:\n${server?.logs() ?? ''}`));
        } catch {}
        if (saved.length) console.error(`failure artifacts: ${saved.join(', ')}`);
        throw err;
      }
    });
  });
}
