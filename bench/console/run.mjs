// bench/console: what the agent console costs in headless Chromium (software GL), against a baseline page
// measured in the same browser: a WebGL2 canvas cleared on every animation frame.
//
// Starts the real server (tests/e2e/lib/server.mjs) and the console at /console/, logs Alice in through the
// login form, fills the queue with scripted visitors (tests/e2e/lib/agent.mjs) and measures:
//   - frames drawn and CPU (% of one core, all of the browser's processes, from /proc) over a window with no
//     input: nothing waiting; 20 waiting with the drawer closed and open; the full load (--pending waiting,
//     --assigned held, one of them with --messages chat messages, its panel expanded) with the drawer closed
//     and open;
//   - frame time (ms in sb_frame, as window.switchboard.frames() reports it) p50/p95 at the full load, while
//     the mouse moves over the open drawer and while the wheel scrolls the long transcript;
//   - first frame after navigation (cold and warm cache), and until the console is connected (login possible);
//   - download: every file the console page loads, as served, and gzip-compressed (zlib, default level).
// Run through bench/console/run (Xvfb, paths); options: --pending 500 --assigned 30 --messages 2000
// --window 10 (seconds per CPU window) --input 6 (seconds of mouse input per frame-time run) --input-gap 100
// (ms between two mouse events: a shorter gap makes the GPU process compete with the frame for the 2 cores, so
// more frames are preempted and the p95 grows) --json FILE.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { startServer, DEMO_CONFIG } from '../../tests/e2e/lib/server.mjs';
import { launch, newPage } from '../../tests/e2e/lib/browsers.mjs';
import { waitForState, waitForItem, clickItem, chord, state } from '../../tests/e2e/lib/console.mjs';
import { loginReady, hoverItem } from '../../tests/e2e/lib/console-session.mjs';
import { ScriptedVisitor } from '../../tests/e2e/lib/agent.mjs';

const { values: opt } = parseArgs({
  options: {
    pending: { type: 'string', default: '500' },
    assigned: { type: 'string', default: '30' },
    messages: { type: 'string', default: '2000' },
    window: { type: 'string', default: '10' },
    input: { type: 'string', default: '6' },
    'input-gap': { type: 'string', default: '100' },
    json: { type: 'string' },
  },
});
const PENDING = Number(opt.pending);
const ASSIGNED = Number(opt.assigned);
const MESSAGES = Number(opt.messages);
const WINDOW_S = Number(opt.window);
const INPUT_S = Number(opt.input);
const INPUT_GAP_MS = Number(opt['input-gap']); // between two mouse moves or wheel notches
for (const [name, v, min] of [['pending', PENDING, 20], ['assigned', ASSIGNED, 1], ['messages', MESSAGES, 1],
  ['window', WINDOW_S, 1], ['input', INPUT_S, 1], ['input-gap', INPUT_GAP_MS, 1]]) {
  if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be an integer >= ${min}`);
}
if (ASSIGNED > 900) throw new Error('--assigned must be at most 900 (agent capacity 1000)');

const VIEWPORT = { width: 1280, height: 800, deviceScaleFactor: 1 };
const NEUTRAL = { x: 300, y: 500 }; // the empty home area left of the contact column: hovers nothing
const SETTLE_MS = 1500; // after a change, the console draws a few frames (hover, activation) before it rests
const LONG = 180_000; // waits on a loaded 2-core machine
const PAGE = { url: 'http://127.0.0.1/demo/products.html', title: 'Products' };
const CLK_TCK = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100; } catch { return 100; }
})();

// ---- CPU of the browser's process tree, from /proc ----------------------------------------------------------

function procStat(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
    return { pid, ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) }; // utime + stime
  } catch {
    return null;
  }
}

function processKind(pid) {
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const m = /--type=([a-z-]+)/.exec(cmd);
    return m ? m[1] : 'browser';
  } catch {
    return 'gone';
  }
}

/** {pid: {ticks, kind}} for the browser process and all its descendants. */
function treeTicks(rootPid) {
  const all = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = procStat(Number(name));
    if (st) all.push(st);
  }
  const children = new Map();
  for (const st of all) {
    if (!children.has(st.ppid)) children.set(st.ppid, []);
    children.get(st.ppid).push(st);
  }
  const out = {};
  const root = all.find((s) => s.pid === rootPid);
  const stack = root ? [root] : [];
  while (stack.length) {
    const st = stack.pop();
    out[st.pid] = { ticks: st.ticks, kind: processKind(st.pid) };
    stack.push(...(children.get(st.pid) || []));
  }
  return out;
}

/** % of one core used by the tree between two treeTicks() snapshots, in total and by process kind. */
function cpuBetween(a, b, seconds) {
  const byKind = {};
  let total = 0;
  for (const [pid, end] of Object.entries(b)) {
    const used = end.ticks - (a[pid] ? a[pid].ticks : 0);
    total += used;
    byKind[end.kind] = (byKind[end.kind] || 0) + used;
  }
  const pct = (t) => (100 * t) / CLK_TCK / seconds;
  return { total: pct(total), kinds: Object.fromEntries(Object.entries(byKind).map(([k, t]) => [k, pct(t)])) };
}

// ---- measuring windows --------------------------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function loadavg() {
  return os.loadavg().map((x) => x.toFixed(1)).join(' ');
}

/**
 * Frames drawn and CPU over `seconds` with no input and no page evaluation in between (the page is read only
 * at both ends). framesOf(page) returns the page's {count, times}.
 */
async function quietWindow(browserPid, page, framesOf, seconds) {
  const f0 = await framesOf(page);
  const c0 = treeTicks(browserPid);
  const t0 = process.hrtime.bigint();
  await sleep(seconds * 1000);
  const c1 = treeTicks(browserPid);
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const f1 = await framesOf(page);
  const frames = f1.count - f0.count;
  const times = f1.times.slice(Math.max(0, f1.times.length - frames)).sort((x, y) => x - y);
  return { seconds: elapsed, frames, fps: frames / elapsed, cpu: cpuBetween(c0, c1, elapsed), load: loadavg(),
    p50: percentile(times, 50), p95: percentile(times, 95) };
}

/** Frame times (ms in the frame function) of the frames drawn while input(deadline) runs. */
async function inputWindow(browserPid, page, framesOf, seconds, input) {
  const f0 = await framesOf(page);
  const c0 = treeTicks(browserPid);
  const t0 = process.hrtime.bigint();
  await input(Date.now() + seconds * 1000);
  const c1 = treeTicks(browserPid);
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const f1 = await framesOf(page);
  const frames = f1.count - f0.count;
  const times = f1.times.slice(Math.max(0, f1.times.length - frames)).sort((x, y) => x - y);
  return { seconds: elapsed, frames, fps: frames / elapsed, cpu: cpuBetween(c0, c1, elapsed), load: loadavg(),
    p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1], samples: times.length,
    times: times.map((t) => Math.round(t * 10) / 10) };
}

const consoleFrames = (page) => page.evaluate(() => {
  const f = window.switchboard.frames();
  return { count: f.count, first: f.first, times: f.times };
});
const baselineFrames = (page) => page.evaluate(() => window.baseline.frames());

// Mouse moves back and forth by a few pixels around (x, y), one move every INPUT_GAP_MS (each wakes the console
// for a few frames).
const jiggle = (page, x, y) => async (deadline) => {
  for (let i = 0; Date.now() < deadline; i++) {
    await page.mouse.move(x + (i % 2 ? 3 : -3), y + ((i >> 1) % 2 ? 2 : -2));
    await sleep(INPUT_GAP_MS);
  }
};

// The wheel scrolls 40 notches up, then 40 down, and so on, over (x, y), one notch every INPUT_GAP_MS.
const scroll = (page, x, y) => async (deadline) => {
  await page.mouse.move(x, y);
  for (let i = 0; Date.now() < deadline; i++) {
    await page.mouse.wheel({ deltaY: Math.floor(i / 40) % 2 ? 100 : -100 });
    await sleep(INPUT_GAP_MS);
  }
};

// ---- the baseline page ---------------------------------------------------------------------------------------

const BASELINE_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>baseline</title>
<style>html,body{margin:0;height:100%;overflow:hidden}canvas{position:fixed;inset:0;width:100%;height:100%}</style>
</head><body><canvas></canvas><script>
// A WebGL2 canvas the size of the viewport, cleared to a new colour on every animation frame.
const canvas = document.querySelector('canvas');
canvas.width = innerWidth * devicePixelRatio;
canvas.height = innerHeight * devicePixelRatio;
const gl = canvas.getContext('webgl2');
const log = { count: 0, first: null, times: [] };
function frame() {
  const start = performance.now();
  const k = (log.count % 60) / 60;
  gl.viewport(0, 0, canvas.width, canvas.height);
  gl.clearColor(0.19, 0.38 + 0.1 * k, 0.47, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  const end = performance.now();
  if (log.count === 0) log.first = end;
  log.times.push(end - start);
  if (log.times.length > 4096) log.times.shift();
  log.count++;
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
window.baseline = { frames: () => ({ count: log.count, first: log.first, times: log.times.slice() }) };
</script></body></html>`;

function serveBaseline() {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(BASELINE_HTML);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((r) => server.close(r)),
  })));
}

// ---- scripted visitors ---------------------------------------------------------------------------------------

const FIRST = ['Maria', 'Jürgen', 'Aiko', 'Luca', 'Sofia', 'Omar', 'Chen', 'Giulia', 'Pierre', 'Ana', 'Ιωάννης', 'Олег'];
const LAST = ['Rossi', 'Müller', 'Tanaka', 'Bianchi', 'García', 'Haddad', 'Wei', 'Conti', 'Dubois', 'Silva'];
const visitors = [];

/** One visitor (own connection) asks for a contact; resolves with the contact id. */
async function visitorAsks(serverUrl, n, type) {
  const name = `${FIRST[n % FIRST.length]} ${LAST[Math.floor(n / FIRST.length) % LAST.length]} ${n}`;
  const v = await ScriptedVisitor.start(serverUrl, { name, language: n % 3 ? 'en' : 'it', page: PAGE,
    capabilities: { voice: true, video: true } });
  visitors.push(v);
  const fields = { service: n % 3 ? 'sales' : 'supporto', contact_type: type, name, page: PAGE };
  if (type === 'callback') fields.callback = { phone: '+39 02 1234567', when: 'after 18:00' };
  if (type === 'weblead') fields.weblead = { name, email: `v${n}@example.com`, phone: '', message: 'Please call me back' };
  const reply = await v.command('contact.request', fields, { timeout: LONG });
  return { id: reply.contact.id, visitor: v };
}

/** `count` visitors ask, 50 at a time; types cycle through `types`. */
async function fillQueue(serverUrl, from, count, types) {
  const out = [];
  for (let i = 0; i < count; i += 50) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + 50); j++) batch.push(visitorAsks(serverUrl, from + j, types[j % types.length]));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

const SENTENCES = [
  'Hello, I have a question about my order.',
  'It was shipped last week but the tracking page still says it is being prepared, and nobody answered my e-mail.',
  'Ok',
  'Could you check whether the lamp is also available in white, and how long the delivery to Milan would take?',
  'Grazie mille! È perfetto così.',
  'The invoice number is 2026/0042 and the amount is 149,90 €.',
];

/** The visitor sends `count` chat messages (pipelined, 100 at a time) on the contact. */
async function sendMessages(v, contact, count) {
  for (let i = 0; i < count; i += 100) {
    let last;
    for (let j = i; j < Math.min(count, i + 100); j++) {
      last = v.send('contact.send', { contact, text: `${j + 1}. ${SENTENCES[j % SENTENCES.length]}` });
    }
    const reply = await v.waitFor((m) => m.cid === last, { timeout: LONG, what: `reply to ${last}` });
    if (reply.type === 'error') throw new Error(`contact.send refused: ${JSON.stringify(reply)}`);
  }
  const refused = v.messages.find((m) => m.type === 'error');
  if (refused) throw new Error(`a message was refused: ${JSON.stringify(refused)}`);
}

// ---- main ----------------------------------------------------------------------------------------------------

function benchConfig() {
  const config = JSON.parse(fs.readFileSync(DEMO_CONFIG, 'utf8'));
  config.limits = { ...(config.limits || {}), messages_per_second: 100_000 }; // the 2,000 messages, pipelined
  // Nothing changes by itself during the run: no dissuasion, no idle events.
  config.contacts = { ...(config.contacts || {}), idle_seconds: 86_400 };
  for (const s of config.services) s.dissuasion_seconds = 86_400;
  for (const a of config.agents) if (a.login === 'alice') a.capacity = 1000;
  return config;
}

/**
 * Loads `url` four times in one page: the first load with a cold cache (fresh profile), three warm reloads.
 * Returns {cold: {first, connected}, warm: medians, responses: every URL loaded}: performance.now() (ms since
 * navigation start) when the first frame ended and when `connected` became true. `probe` runs in the page
 * before its scripts; `done` tells when both times are known.
 */
async function firstFrames(browser, url, { probe, done, framesOf }) {
  const page = await newPage(browser);
  if (probe) await page.evaluateOnNewDocument(probe);
  const runs = [];
  const responses = [];
  page.on('response', (r) => responses.push(r.url()));
  for (let i = 0; i < 4; i++) {
    if (i === 0) await page.goto(url, { waitUntil: 'load', timeout: LONG });
    else await page.reload({ waitUntil: 'load', timeout: LONG });
    await page.waitForFunction(done, { timeout: LONG, polling: 20 });
    const first = (await framesOf(page)).first;
    const connected = await page.evaluate(() => window.__benchConnected ?? null);
    runs.push({ first, connected });
  }
  await page.close();
  const median = (k) => runs.slice(1).map((r) => r[k]).sort((a, b) => a - b)[1];
  return { cold: runs[0], warm: { first: median('first'), connected: median('connected') }, responses };
}

// Runs in the console page from its start: notes when the console is first connected (polled every 2 ms).
function connectedProbe() {
  const tick = () => {
    const sb = window.switchboard;
    if (sb && sb.ready && sb.state().connection === 'connected') window.__benchConnected = performance.now();
    else setTimeout(tick, 2);
  };
  tick();
}

async function downloadSizes(urls) {
  const files = [];
  for (const url of [...new Set(urls)]) {
    if (!/^http:/.test(url)) continue;
    const res = await fetch(url);
    if (!res.ok) continue;
    const body = Buffer.from(await res.arrayBuffer());
    files.push({ file: new URL(url).pathname, bytes: body.length, gzip: zlib.gzipSync(body).length,
      encoding: res.headers.get('content-encoding') || 'identity' });
  }
  return files;
}

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const ratio = (a, b) => (b > 0 ? (a / b).toPrecision(2) : '-');

async function main() {
  const results = { date: new Date().toISOString().slice(0, 10), load_start: loadavg(), cores: os.cpus().length };
  const log = (s) => process.stderr.write(`[bench] ${s}\n`);
  const base = await serveBaseline();
  const server = await startServer({ config: benchConfig() });
  const browser = await launch('chromium', { viewport: VIEWPORT });
  const browserPid = browser.process().pid;
  try {
    // Baseline: first frame, then frames and CPU with the page drawing every animation frame.
    log('baseline page');
    results.baseline_first = await firstFrames(browser, base.url, { framesOf: baselineFrames,
      done: () => window.baseline && window.baseline.frames().count > 0 });
    const bpage = await newPage(browser);
    await bpage.goto(base.url, { waitUntil: 'load' });
    await bpage.waitForFunction(() => window.baseline.frames().count > 10, { timeout: LONG });
    results.baseline = await quietWindow(browserPid, bpage, baselineFrames, WINDOW_S);
    await bpage.close();
    const B = results.baseline;
    log(`baseline: ${fmt(B.fps)} frames/s, CPU ${fmt(B.cpu.total)}% (load ${B.load})`);

    // Console: first frame and connection, cold and warm; the files it loads.
    log('console first frame');
    const first = await firstFrames(browser, `${server.url}/console/`, { framesOf: consoleFrames,
      probe: connectedProbe, done: () => window.__benchConnected !== undefined });
    results.console_first = { cold: first.cold, warm: first.warm };
    results.download = await downloadSizes(first.responses);

    // Log Alice in; the mouse rests on the empty home area.
    log('login');
    const page = await newPage(browser);
    await loginReady(page, server.url, 'alice');
    await page.mouse.move(NEUTRAL.x, NEUTRAL.y);
    const rest = () => sleep(SETTLE_MS);
    const drawerClosed = async () => {
      await page.mouse.move(NEUTRAL.x, NEUTRAL.y);
      await page.waitForFunction(() => !window.switchboard.locate('drawer'), { timeout: LONG, polling: 100 });
    };
    const drawerOpen = async () => {
      await hoverItem(page, 'waiting.area');
      await waitForItem(page, 'drawer', LONG);
    };
    await rest();

    log('idle, nothing waiting');
    results.idle = await quietWindow(browserPid, page, consoleFrames, WINDOW_S);

    log('20 waiting');
    const twenty = await fillQueue(server.url, 0, 20, ['chat']);
    await waitForState(page, (s) => s.waiting.count === 20, LONG);
    await drawerClosed();
    await rest();
    results.pending20_closed = await quietWindow(browserPid, page, consoleFrames, WINDOW_S);
    await drawerOpen();
    await rest();
    results.pending20_open = await quietWindow(browserPid, page, consoleFrames, WINDOW_S);
    await drawerClosed();

    // Alice takes ASSIGNED chats with Alt+N (the 20 waiting, then more).
    log(`taking ${ASSIGNED} contacts`);
    const more = ASSIGNED > 20 ? await fillQueue(server.url, 20, ASSIGNED - 20, ['chat']) : [];
    await waitForState(page, `s => s.waiting.count === ${twenty.length + more.length}`, LONG);
    await page.mouse.click(NEUTRAL.x, NEUTRAL.y); // the canvas has the keyboard
    for (let k = 1; k <= ASSIGNED; k++) {
      await chord(page, ['Alt', 'n']);
      await waitForState(page, `s => s.contacts.length === ${k}`, LONG);
    }
    // The first contact taken (the longest waiting) gets the long transcript.
    const firstId = (await state(page)).contacts[0].id;
    const big = [...twenty, ...more].find((c) => c.id === firstId);
    // Its panel expanded, the first visitor sends MESSAGES messages.
    let s = await state(page);
    if (s.expanded !== big.id) {
      await clickItem(page, `panel.${big.id}.header`, { timeout: LONG });
      await waitForState(page, `s => s.expanded === ${JSON.stringify(big.id)}`, LONG);
    }
    log(`${MESSAGES} messages`);
    const t0 = Date.now();
    await sendMessages(big.visitor, big.id, MESSAGES);
    const sent = Date.now();
    await waitForState(page, `s => s.contacts.some((c) => c.id === ${JSON.stringify(big.id)} && c.messages === ${MESSAGES})`, LONG * 2);
    results.messages = { count: MESSAGES, server_ms: sent - t0, console_ms: Date.now() - t0 };

    log(`${PENDING} waiting`);
    const left = (await state(page)).waiting.count; // with --assigned under 20, some of the 20 still wait
    await fillQueue(server.url, 1000, PENDING - left, ['chat', 'callback', 'call', 'video', 'weblead', 'chat']);
    await waitForState(page, `s => s.waiting.count === ${PENDING}`, LONG);
    await drawerClosed();
    await rest();
    results.full_closed = await quietWindow(browserPid, page, consoleFrames, WINDOW_S);

    // Frame time: the wheel scrolls the long transcript.
    log('frame time: transcript');
    const transcript = await waitForItem(page, `panel.${big.id}.transcript`, LONG);
    results.frame_transcript = await inputWindow(browserPid, page, consoleFrames, INPUT_S,
      scroll(page, transcript.x + transcript.w / 2, transcript.y + transcript.h / 2));
    await page.mouse.move(NEUTRAL.x, NEUTRAL.y);

    // The drawer over a short panel: another contact's panel expanded (Alt+Down).
    await chord(page, ['Alt', 'ArrowDown']);
    await waitForState(page, `s => s.expanded !== null && s.expanded !== ${JSON.stringify(big.id)}`, LONG);
    await drawerOpen();
    await rest();
    results.full_open = await quietWindow(browserPid, page, consoleFrames, WINDOW_S);
    log('frame time: drawer');
    const drawer = await waitForItem(page, 'drawer', LONG);
    results.frame_drawer = await inputWindow(browserPid, page, consoleFrames, INPUT_S,
      jiggle(page, drawer.x + drawer.w / 2, drawer.y + Math.min(drawer.h / 2, 300)));
    await drawerClosed();
    results.load_end = loadavg();
    await page.close();
  } finally {
    for (const v of visitors) v.close();
    await browser.close().catch(() => {});
    await server.stop().catch(() => {});
    await base.close();
  }
  print(results);
  if (opt.json) fs.writeFileSync(opt.json, JSON.stringify(results, null, 2));
}

function print(r) {
  const B = r.baseline;
  const rows = [];
  const cpuRow = (name, w) => rows.push([name, `${w.frames} frames (${fmt(w.fps, 2)}/s)`,
    `${fmt(w.cpu.total)}% (renderer ${fmt(w.cpu.kinds.renderer || 0)}%, gpu ${fmt(w.cpu.kinds['gpu-process'] || 0)}%)`,
    `CPU ratio ${ratio(w.cpu.total, B.cpu.total)}, frames ratio ${ratio(w.fps, B.fps)}`]);
  const frameRow = (name, w) => rows.push([name, `${w.samples} frames (${fmt(w.fps, 1)}/s)`,
    `p50 ${fmt(w.p50, 2)} ms, p95 ${fmt(w.p95, 2)} ms, max ${fmt(w.max, 2)} ms (CPU ${fmt(w.cpu.total)}%)`,
    `p95 / baseline frame period ${ratio(w.p95, 1000 / B.fps)}`]);
  rows.push(['baseline: WebGL2 clear every animation frame', `${B.frames} frames (${fmt(B.fps, 2)}/s)`,
    `${fmt(B.cpu.total)}% (renderer ${fmt(B.cpu.kinds.renderer || 0)}%, gpu ${fmt(B.cpu.kinds['gpu-process'] || 0)}%)`,
    `frame p50 ${fmt(B.p50, 3)} ms, p95 ${fmt(B.p95, 3)} ms`]);
  cpuRow(`idle, nothing waiting, ${fmt(r.idle.seconds)} s`, r.idle);
  cpuRow('20 waiting, drawer closed', r.pending20_closed);
  cpuRow('20 waiting, drawer open', r.pending20_open);
  cpuRow(`${PENDING} waiting + ${ASSIGNED} held (${MESSAGES}-message panel open), drawer closed`, r.full_closed);
  cpuRow(`${PENDING} waiting + ${ASSIGNED} held, drawer open`, r.full_open);
  frameRow(`frame time: wheel over the ${MESSAGES}-message transcript, a notch every ${INPUT_GAP_MS} ms`, r.frame_transcript);
  frameRow(`frame time: mouse over the open ${PENDING}-row drawer, a move every ${INPUT_GAP_MS} ms`, r.frame_drawer);
  const bf = r.baseline_first;
  const cf = r.console_first;
  rows.push(['first frame after navigation, cold cache', `${fmt(cf.cold.first, 0)} ms`,
    `connected (login possible) ${fmt(cf.cold.connected, 0)} ms`, `ratio ${ratio(cf.cold.first, bf.cold.first)} (baseline ${fmt(bf.cold.first, 0)} ms)`]);
  rows.push(['first frame after navigation, warm (median of 3)', `${fmt(cf.warm.first, 0)} ms`,
    `connected ${fmt(cf.warm.connected, 0)} ms`, `ratio ${ratio(cf.warm.first, bf.warm.first)} (baseline ${fmt(bf.warm.first, 0)} ms)`]);
  const fonts = r.download.filter((f) => /\.(ttf|woff2?|otf)$/.test(f.file));
  const code = r.download.filter((f) => !fonts.includes(f));
  const sum = (l, k) => l.reduce((a, f) => a + f[k], 0);
  for (const f of r.download) rows.push([`download ${f.file}`, `${f.bytes} B (sent ${f.encoding})`, `gzip ${f.gzip} B`, '']);
  rows.push(['download: page, scripts, wasm (fonts apart)', `${sum(code, 'bytes')} B`, `gzip ${sum(code, 'gzip')} B`,
    `ratio to the 800 KB target ${ratio(sum(code, 'gzip'), 800_000)}`]);
  rows.push(['download: fonts', `${sum(fonts, 'bytes')} B`, `gzip ${sum(fonts, 'gzip')} B`, '']);
  rows.push([`${MESSAGES} messages: sent and acknowledged / shown in the console`, `${r.messages.server_ms} ms`,
    `${r.messages.console_ms} ms`, '']);
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length)));
  console.log(`bench/console ${r.date}: headless Chromium (SwiftShader), ${r.cores} cores, load average ` +
    `${r.load_start} at start, ${r.load_end} at end; CPU is % of one core over all browser processes; frame ` +
    'time is performance.now() around the frame function (0.1 ms resolution)');
  for (const row of rows) console.log(`${row[0].padEnd(w[0])} | ${row[1].padEnd(w[1])} | ${row[2].padEnd(w[2])} | ${row[3]}`);
}

main().catch((err) => {
  console.error(`bench/console: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
