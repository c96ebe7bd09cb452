// End-to-end: an agent logs in to the console, first with a wrong password, then with the right one, and
// becomes ready; then switches the console to the dark theme in the settings popup, which a reload keeps.
// Real server (fresh SQLite, demo config), real console (WASM), real browsers, real input.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { launch, newPage, browsersToTest } from './lib/browsers.mjs';
import {
  openConsole, state, waitForState, waitForItem, clickItem, typeInto, press, clearField, screenshot,
  saveArtifact, removeArtifacts,
  saveFailureArtifacts, pageLog,
} from './lib/console.mjs';

const TEST = 'login';
const WRONG = 'wrong-password';

for (const browserName of browsersToTest()) {
  describe(`${TEST} (${browserName})`, { timeout: 240_000 }, () => {
    let server;
    let browser;
    let page;

    before(async () => {
      await removeArtifacts(TEST, browserName);
      await removeArtifacts(`${TEST}-refused`, browserName);
      await removeArtifacts(`${TEST}-failure`, browserName);
      await removeArtifacts(`${TEST}-dark`, browserName);
      server = await startServer();
      browser = await launch(browserName);
      page = await newPage(browser);
    });

    after(async () => {
      // Everything is stopped even when a step failed; each stop is independent of the others.
      if (page?.e2eLog) await saveArtifact(`${TEST}-${browserName}.page.log`, page.e2eLog.join('\n')).catch(() => {});
      await browser?.close().catch((e) => console.error(`closing ${browserName}: ${e.message}`));
      const exit = await server?.stop().catch((e) => console.error(`stopping the server: ${e.message}`));
      if (server) await saveArtifact(`${TEST}-${browserName}.server.log`, server.logs()).catch(() => {});
      if (exit?.forced) console.error('the server ignored SIGTERM and was killed');
    });

    it('refuses a wrong password, accepts the right one, and the agent becomes ready', async () => {
      try {
        await openConsole(page, server.url);
        await waitForState(page, (s) => s.connection === 'connected', 30_000);

        // Wrong password: an error, no agent, and the form usable again.
        await typeInto(page, 'login.login', 'alice');
        await typeInto(page, 'login.password', WRONG);
        await clickItem(page, 'login.submit');
        const refused = await waitForState(page,
          (s) => typeof s.loginError === 'string' && s.loginError.length > 0 && s.agent === null && !s.loginPending);
        assert.equal(refused.connection, 'connected', 'a refused login keeps the connection');
        await screenshot(page, `${TEST}-refused`, browserName);

        // Retry. The console may or may not clear the password field after a refusal (it does today, and
        // ImGui keeps an active field's own copy of the text), so empty it whatever it holds: End, then more
        // Backspaces than it can contain; an empty field ignores the extra ones.
        await clearField(page, 'login.password', WRONG.length + 4);
        await page.keyboard.type('alice-demo', { delay: 20 });
        await press(page, 'Enter'); // the password field submits on Enter (and so does 'login.submit')
        const loggedIn = await waitForState(page,
          (s) => s.connection === 'connected' && s.agent !== null && s.agent.name === 'Alice Rossi');
        assert.equal(loggedIn.agent.login, 'alice');
        assert.equal(loggedIn.loginPending, false);
        await waitForItem(page, 'status.agent');

        // Ready, then paused again.
        assert.notEqual(loggedIn.agent.status, 'ready', 'an agent starts not ready after logging in');
        await clickItem(page, 'status.toggle');
        await waitForState(page, (s) => s.agent !== null && s.agent.status === 'ready');
        await screenshot(page, TEST, browserName);
        await clickItem(page, 'status.toggle');
        await waitForState(page, (s) => s.agent !== null && s.agent.status === 'paused');

        // Dark theme: the settings popup (the bell) switches it at once; the browser keeps the choice.
        assert.equal(await theme(page), 'light', 'the console starts light');
        await clickItem(page, 'status.settings');
        await clickItem(page, 'settings.dark');
        await page.waitForFunction(() => window.switchboard.theme() === 'dark', { timeout: 10_000, polling: 50 });
        await screenshot(page, `${TEST}-dark`, browserName);
        assert.equal(await page.evaluate(() => localStorage.getItem('switchboard.theme')), 'dark');
        await openConsole(page, server.url); // a reload: the session ends, the theme stays
        assert.equal(await theme(page), 'dark', 'the choice survives a reload');
      } catch (err) {
        await saveFailureArtifacts(TEST, browserName, page, {
          state: () => state(page), 'page log': pageLog(page), server: server?.logs() ?? '',
        });
        throw err;
      }
    });
  });
}

/** The console's theme through the automation bridge: 'light' or 'dark'. */
function theme(page) {
  return page.evaluate(() => window.switchboard.theme());
}

