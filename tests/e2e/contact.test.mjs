// End-to-end: a scripted visitor asks for a chat; Alice's console shows the waiting box with 1 and the pending
// drawer with the contact's details and a running dissuasion loader; she takes it by clicking it in the
// drawer; they exchange messages both ways (with read marks); she sets a colour tag, pushes a link and stops
// the contact through the confirmation popup. Carla (same service, another browser context) sees it waiting
// but never receives it. The visitor's country comes from GeoIP (behind a proxy the server trusts, as in
// production) and the drawer shows its flag, fetched once. Real server, real console (WASM), real input; waits on
// the console state only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { startServer, DEMO_CONFIG } from './lib/server.mjs';
import { launch, newPage, browsersToTest } from './lib/browsers.mjs';
import {
  state, waitForState, waitForItem, clickItem, typeInto, press, screenshot, saveArtifact, removeArtifacts,
  saveFailureArtifacts, pageLog, received,
} from './lib/console.mjs';
import { ScriptedVisitor, waitForContactEvent } from './lib/agent.mjs';
import { loginReady, hoverItem, isolatedPage } from './lib/console-session.mjs';

const TEST = 'contact';
const STEPS = ['waiting', 'drawer', 'chat', 'color', 'link', 'stop-popup', 'closed', 'other-agent', 'failure'];
const PAGE = { url: 'http://127.0.0.1/demo/products.html', title: 'Products' };
// The visitor's address as a trusted reverse proxy forwards it: in Italy in Debian's tor-geoipdb.
const VISITOR_ADDRESS = '2.16.70.5';

for (const browserName of browsersToTest()) {
  describe(`${TEST} (${browserName})`, { timeout: 300_000 }, () => {
    let server;
    let browser;
    let page;
    let other; // Carla's page, in another browser context
    let visitor;
    const flagRequests = []; // {path, status} of Alice's page's requests for flags

    before(async () => {
      for (const s of STEPS) await removeArtifacts(`${TEST}-${s}`, browserName);
      // The demo configuration, with the loopback as a trusted proxy: the visitor's X-Forwarded-For is believed.
      const config = JSON.parse(await fs.readFile(DEMO_CONFIG, 'utf8'));
      config.geo = { ...(config.geo || {}), trusted_proxies: ['127.0.0.1'] };
      server = await startServer({ config });
      browser = await launch(browserName);
      page = await newPage(browser);
      page.on('response', (r) => {
        const path = new URL(r.url()).pathname;
        if (path.startsWith('/console/flags/')) flagRequests.push({ path, status: r.status() });
      });
      other = await isolatedPage(browser, () => launch(browserName));
    });

    after(async () => {
      if (page?.e2eLog) await saveArtifact(`${TEST}-${browserName}.page.log`, page.e2eLog.join('\n')).catch(() => {});
      visitor?.close();
      await other?.close().catch(() => {});
      await browser?.close().catch((e) => console.error(`closing ${browserName}: ${e.message}`));
      const exit = await server?.stop().catch((e) => console.error(`stopping the server: ${e.message}`));
      if (server) await saveArtifact(`${TEST}-${browserName}.server.log`, server.logs()).catch(() => {});
      if (exit?.forced) console.error('the server ignored SIGTERM and was killed');
    });

    it('takes a waiting chat from the drawer, chats both ways, colours it, pushes a link and stops it', async () => {
      try {
        await loginReady(other.page, server.url, 'carla');
        await loginReady(page, server.url, 'alice'); // Alice's tab stays in front from here on

        // A visitor asks for a chat with Sales.
        visitor = await ScriptedVisitor.start(server.url, { name: 'Maria Rossi', language: 'en', page: PAGE },
          { headers: { 'X-Forwarded-For': VISITOR_ADDRESS } });
        const request = await visitor.command('contact.request',
          { service: 'sales', contact_type: 'chat', name: 'Maria Rossi', page: PAGE });
        const id = request.contact.id;

        // The waiting box says 1; the state lists the contact with its details.
        const waiting = await waitForState(page, `s => s.waiting.count === 1 && s.waiting.contacts[0].id === ${JSON.stringify(id)}`);
        const w = waiting.waiting.contacts[0];
        assert.equal(w.customer, 'Maria Rossi');
        assert.equal(w.service, 'Sales');
        assert.equal(w.language, 'en');
        assert.equal(w.site, 'Demo shop');
        assert.equal(w.type, 'chat');
        assert.equal(w.returning, false, 'a first-time visitor is a "new visitor"');
        assert.equal(w.direct, false);
        assert.equal(w.country, 'IT', `GeoIP places ${VISITOR_ADDRESS} in Italy`);
        assert.ok(typeof w.deadline === 'number' && w.deadline > w.createdAt);
        await waitForItem(page, 'waiting.box');
        await screenshot(page, `${TEST}-waiting`, browserName);
        await waitForState(other.page, (s) => s.waiting.count === 1);

        // Hovering the waiting area opens the drawer; the loader runs (progress grows on screen and in state).
        await hoverItem(page, 'waiting.area');
        await waitForItem(page, `drawer.contact.${id}`);
        // The country shows as its flag: the console fetched console/flags/it.png once, the first time it drew
        // the country, and draws it from a texture (the code is the flag's tooltip).
        await waitForItem(page, `drawer.contact.${id}.flag`);
        const flags = await page.evaluate(() => window.switchboard.flags());
        assert.deepEqual(Object.keys(flags), ['it'], 'only the flag of the country on screen');
        assert.equal(flags.it.state, 'ready');
        assert.ok(flags.it.texture > 0, 'a GL texture');
        assert.deepEqual([flags.it.width, flags.it.height], [16, 11]);
        assert.deepEqual(flagRequests, [{ path: '/console/flags/it.png', status: 200 }]);
        assert.equal(await page.evaluate((n) => window.switchboard.locate(n), `drawer.contact.${id}.country`), null,
          'no code once the flag is there');
        const p1 = (await state(page)).waiting.contacts[0].progress;
        await waitForState(page, `s => s.waiting.contacts.length === 1 && s.waiting.contacts[0].progress > ${p1} + 0.005`);
        await screenshot(page, `${TEST}-drawer`, browserName);

        // Take it by clicking it in the drawer.
        await clickItem(page, `drawer.contact.${id}`);
        await waitForState(page, `s => s.contacts.length === 1 && s.contacts[0].id === ${JSON.stringify(id)} &&
          s.contacts[0].state === 'assigned' && s.contacts[0].expanded && s.waiting.count === 0`);
        await waitForContactEvent(visitor, id, (e) => e.event === 'assigned' && e.agent?.id === 'alice');
        await waitForState(other.page, (s) => s.waiting.count === 0 && s.contacts.length === 0);

        // Visitor -> agent (UTF-8), read by the agent because the panel is open. The emoji font comes only now,
        // with the first text that has an emoji.
        assert.equal(await page.evaluate(() => window.switchboard.hasGlyph(0x1F600)), false, 'no emoji font before');
        await visitor.command('contact.send', { contact: id, text: 'Hello, I need help with my order 😀' });
        await waitForState(page, (s) => s.contacts.length === 1 &&
          s.contacts[0].recent.some((m) => m.from === 'visitor' && m.text === 'Hello, I need help with my order 😀'));
        await page.waitForFunction(() => window.switchboard.hasGlyph(0x1F600), { timeout: 20_000 });
        await waitForContactEvent(visitor, id, (e) => e.event === 'read' && e.from === 'agent');
        await waitForState(page, (s) => s.contacts[0].unread === 0);

        // Agent -> visitor: typed in the panel's input, Enter sends.
        await typeInto(page, `panel.${id}.input`, 'Certo, mi dica pure');
        await press(page, 'Enter');
        const sent = await waitForContactEvent(visitor, id,
          (e) => e.event === 'message' && e.from === 'agent' && e.text === 'Certo, mi dica pure');
        await waitForState(page, (s) => s.contacts[0].recent.some((m) => m.from === 'agent' && m.text === 'Certo, mi dica pure'));
        // The visitor reads it: the read mark shows in the console.
        await visitor.command('contact.read', { contact: id, up_to: sent.seq });
        await waitForState(page, (s) => s.contacts[0].recent.some((m) => m.from === 'agent' && m.read));
        await screenshot(page, `${TEST}-chat`, browserName);

        // Colour tag: the picker, then a colour.
        await clickItem(page, `panel.${id}.color`);
        await waitForItem(page, 'color.default');
        await screenshot(page, `${TEST}-color`, browserName);
        await clickItem(page, 'color.dd5b62');
        await waitForContactEvent(visitor, id, (e) => e.event === 'color' && e.color === '#dd5b62');
        await waitForState(page, (s) => s.contacts[0].color === '#dd5b62');

        // Push a link: the dialog's field starts with https://.
        await clickItem(page, `panel.${id}.link`);
        await typeInto(page, 'link.url', '');
        await press(page, 'End');
        await page.keyboard.type('shop.example/offer', { delay: 20 });
        await screenshot(page, `${TEST}-link`, browserName);
        await clickItem(page, 'link.send');
        await waitForContactEvent(visitor, id, (e) => e.event === 'link' && e.url === 'https://shop.example/offer');
        await waitForState(page, (s) => s.contacts[0].recent.some((m) => m.kind === 'link' && m.text === 'https://shop.example/offer'));

        // Stop: Cancel keeps the contact, Close contact ends it.
        await clickItem(page, `panel.${id}.stop`);
        await clickItem(page, 'stop.cancel');
        await clickItem(page, `panel.${id}.stop`);
        await waitForItem(page, 'stop.confirm');
        await screenshot(page, `${TEST}-stop-popup`, browserName);
        assert.equal((await state(page)).contacts[0].state, 'assigned', 'Cancel did not stop the contact');
        await clickItem(page, 'stop.confirm');
        await waitForContactEvent(visitor, id, (e) => e.event === 'closed');
        await waitForState(page, (s) => s.contacts[0].state === 'closed' && s.contacts[0].status.closed);
        await screenshot(page, `${TEST}-closed`, browserName);

        // Carla never received it.
        const carla = await state(other.page);
        assert.equal(carla.contacts.length, 0);
        assert.equal(carla.waiting.count, 0);
        await other.page.bringToFront();
        await screenshot(other.page, `${TEST}-other-agent`, browserName);
        await page.bringToFront();

        // The closed panel goes away with its button.
        await clickItem(page, `panel.${id}.stop`);
        await waitForState(page, (s) => s.contacts.length === 0);
      } catch (err) {
        await saveFailure(page, server, visitor, browserName);
        throw err;
      }
    });
  });
}

async function saveFailure(page, server, visitor, browserName) {
  await saveFailureArtifacts(TEST, browserName, page, {
    state: () => state(page), 'page log': pageLog(page), 'visitor received': received(visitor),
    server: server?.logs() ?? '',
  });
}
