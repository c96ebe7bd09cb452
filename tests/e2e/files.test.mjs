// End-to-end: files both ways between the widget and the console (docs/protocol.md, "Files").
//   a visitor asks for a chat through the widget -> Alice takes it in the console -> she sends a file with the
//   console's upload tool (the browser's file picker) -> the widget shows it, and its link downloads the same
//   bytes -> the visitor attaches a file in the widget -> the console shows it, and its link downloads it ->
//   a file over the limit is refused at once on both sides, with the limit shown.
// Real server, console (WASM) and widget; the file pickers are answered through puppeteer's FileChooser.
// Waits on the console's and the widget's state only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startServer, DEMO_CONFIG } from './lib/server.mjs';
import { launch, newPage, browsersToTest } from './lib/browsers.mjs';
import { waitForState, clickItem, screenshot, saveArtifact, removeArtifacts, state, saveFailureArtifacts, pageLog } from './lib/console.mjs';
import { loginReady, isolatedPage } from './lib/console-session.mjs';
import {
  openDemo, openWidget, chooseType, fillForm, submitForm, waitForWidget, waitForText, widgetState,
} from './lib/widget.mjs';

const TEST = 'files';
const STEPS = ['console-file', 'widget-file', 'console-got', 'refused', 'failure'];
const MAX_BYTES = 64 * 1024;
// A 1x1 PNG.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c6360f8cfc0f01f0005000201d5f3c7a50000000049454e44ae426082', 'hex');

/** Clicks something that opens a file picker, and picks `file` in it. */
async function pickFile(page, click, file) {
  const [chooser] = await Promise.all([page.waitForFileChooser({ timeout: 20_000 }), click()]);
  await chooser.accept([file]);
}

/** GET of a download link: status, type and bytes. */
async function download(url) {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'),
    disposition: res.headers.get('content-disposition'), bytes: Buffer.from(await res.arrayBuffer()) };
}

for (const browserName of browsersToTest()) {
  describe(`${TEST} (${browserName})`, { timeout: 300_000 }, () => {
    let server;
    let browser;
    let page; // Alice's console
    let visitor; // the customer's page with the widget, in its own browser context
    let dir;
    const files = {};

    before(async () => {
      for (const s of STEPS) await removeArtifacts(`${TEST}-${s}`, browserName);
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-e2e-files-'));
      files.offer = path.join(dir, 'offerta speciale.txt');
      await fs.writeFile(files.offer, 'Offerta speciale: 10% di sconto fino a domenica.\n');
      files.receipt = path.join(dir, 'scontrino.png');
      await fs.writeFile(files.receipt, PNG);
      files.big = path.join(dir, 'grande.txt');
      await fs.writeFile(files.big, 'x'.repeat(MAX_BYTES + 1));
      const config = JSON.parse(await fs.readFile(DEMO_CONFIG, 'utf8'));
      config.files = { max_bytes: MAX_BYTES };
      server = await startServer({ config });
      browser = await launch(browserName);
      page = await newPage(browser);
      visitor = await isolatedPage(browser, () => launch(browserName));
    });

    after(async () => {
      if (page?.e2eLog) await saveArtifact(`${TEST}-${browserName}.page.log`, page.e2eLog.join('\n')).catch(() => {});
      if (visitor?.page?.e2eLog) {
        await saveArtifact(`${TEST}-${browserName}.widget.log`, visitor.page.e2eLog.join('\n')).catch(() => {});
      }
      await visitor?.close().catch(() => {});
      await browser?.close().catch((e) => console.error(`closing ${browserName}: ${e.message}`));
      const exit = await server?.stop().catch((e) => console.error(`stopping the server: ${e.message}`));
      if (server) await saveArtifact(`${TEST}-${browserName}.server.log`, server.logs()).catch(() => {});
      if (exit?.forced) console.error('the server ignored SIGTERM and was killed');
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    });

    it('sends files both ways, each side downloads them, and refuses one over the limit', async () => {
      const vp = visitor.page;
      try {
        // The visitor asks for a chat through the widget; Alice takes it in the console.
        await loginReady(page, server.url, 'alice');
        await vp.bringToFront();
        await openDemo(vp, server.url, 'index.html');
        await openWidget(vp);
        await chooseType(vp, 'chat');
        await fillForm(vp, 'chat', { name: 'Maria Files' });
        await submitForm(vp, 'chat');
        const waiting = await waitForWidget(vp, (s) => s.view === 'contact' && s.contact && s.contact.state === 'pending');
        const id = waiting.contact.id;

        await page.bringToFront();
        await waitForState(page, `s => s.waiting.count === 1 && s.waiting.contacts[0].id === ${JSON.stringify(id)}`);
        await clickItem(page, 'waiting.box');
        const held = await waitForState(page, `s => s.contacts.length === 1 && s.contacts[0].state === 'assigned'`);
        assert.equal(held.files.maxBytes, MAX_BYTES, 'agent.welcome told the console the limit');

        // Alice sends a file with the upload tool.
        await pickFile(page, () => clickItem(page, `panel.${id}.upload`), files.offer);
        const sent = await waitForState(page, (s) => s.contacts[0].upload === null &&
          s.contacts[0].recent.some((m) => m.kind === 'file' && m.from === 'agent' && m.text === 'offerta speciale.txt'));
        const mine = sent.contacts[0].recent.find((m) => m.kind === 'file');
        assert.equal(mine.size, (await fs.stat(files.offer)).size);
        assert.match(mine.url, /^\/files\/f-[0-9a-f]{32}\/offerta%20speciale\.txt\?key=[0-9a-f]{64}$/);
        const own = await download(server.url + mine.url);
        assert.equal(own.status, 200);
        assert.deepEqual(own.bytes, await fs.readFile(files.offer));
        await screenshot(page, `${TEST}-console-file`, browserName);

        // The widget shows it as a link, which downloads the same bytes.
        await vp.bringToFront();
        const got = await waitForWidget(vp, (s) => s.transcript.some((e) => e.k === 'file' && e.from === 'agent'));
        const entry = got.transcript.find((e) => e.k === 'file');
        assert.equal(entry.name, 'offerta speciale.txt');
        assert.notEqual(entry.url, mine.url, 'the visitor has a link of its own');
        await waitForText(vp, '.sbw-file a', /offerta speciale\.txt/);
        const href = await vp.$eval('.sbw-file a', (a) => a.href);
        assert.ok(href.startsWith(server.url + '/files/'), href);
        const theirs = await download(href);
        assert.equal(theirs.status, 200);
        assert.equal(theirs.type, 'text/plain');
        assert.match(theirs.disposition, /^attachment; /);
        assert.deepEqual(theirs.bytes, await fs.readFile(files.offer));
        await waitForText(vp, '.sbw-file-hint', /64 KB/);

        // The visitor attaches a file in the widget; the console shows it and its link downloads it.
        await pickFile(vp, () => vp.click('.sbw-attach'), files.receipt);
        await waitForWidget(vp, (s) => s.files.upload === null &&
          s.transcript.some((e) => e.k === 'file' && e.from === 'visitor' && e.name === 'scontrino.png'));
        await screenshot(vp, `${TEST}-widget-file`, browserName);
        await page.bringToFront();
        const console2 = await waitForState(page, (s) =>
          s.contacts[0].recent.some((m) => m.kind === 'file' && m.from === 'visitor' && m.text === 'scontrino.png'));
        const theirFile = console2.contacts[0].recent.find((m) => m.kind === 'file' && m.from === 'visitor');
        const receipt = await download(server.url + theirFile.url);
        assert.equal(receipt.status, 200);
        assert.equal(receipt.type, 'image/png');
        assert.deepEqual(receipt.bytes, PNG);
        // A click on it has the browser open the link (window.open, recorded here instead of opening a tab).
        await page.evaluate(() => { window.__opened = []; window.open = (u) => { window.__opened.push(u); return null; }; });
        await clickItem(page, `panel.${id}.file.${theirFile.seq}`);
        await page.waitForFunction((u) => window.__opened.includes(u), { timeout: 20_000, polling: 50 },
          server.url + theirFile.url);
        await screenshot(page, `${TEST}-console-got`, browserName);

        // Over the limit: refused at once on both sides, the limit shown, nothing sent.
        await page.bringToFront();
        await pickFile(page, () => clickItem(page, `panel.${id}.upload`), files.big);
        const refused = await waitForState(page, (s) => s.contacts[0].upload && s.contacts[0].upload.state === 'failed');
        assert.equal(refused.contacts[0].upload.error, 'grande.txt is 65537 bytes: the limit is 65536 bytes.');
        await clickItem(page, `panel.${id}.upload-dismiss`);
        await waitForState(page, (s) => s.contacts[0].upload === null);

        await vp.bringToFront();
        await pickFile(vp, () => vp.click('.sbw-attach'), files.big);
        await waitForText(vp, '.sbw-upload-error', /grande\.txt.*65537 bytes.*65536 bytes/);
        await screenshot(vp, `${TEST}-refused`, browserName);
        const w = await widgetState(vp);
        assert.equal(w.transcript.filter((e) => e.k === 'file').length, 2, 'no third file');
        const s = await state(page);
        assert.equal(s.contacts[0].recent.filter((m) => m.kind === 'file').length, 2);
      } catch (err) {
        await saveFailure(page, vp, server, browserName);
        throw err;
      }
    });
  });
}

async function saveFailure(page, vp, server, browserName) {
  await saveFailureArtifacts(TEST, browserName, page, {
    'console state': () => state(page), 'widget state': () => widgetState(vp),
    'console log': pageLog(page), 'widget log': pageLog(vp), server: server?.logs() ?? '',
  });
}
