// An agent that makes real WebRTC calls, for the end-to-end tests of the visitor widget's calls: a browser page
// of the server's origin that loads the shared call engine (/media/call.js) and speaks protocol v1 over its own
// WebSocket, as the console does (docs/protocol.md, "Calls"). Written from the protocol document only.
//
// In the page, window.callAgent keeps every message received; the node side drives it with page.evaluate and
// waits with page.waitForFunction (interval polling: a background tab gets no animation frames).
import { DEFAULT_TIMEOUT } from './agent.mjs';

const POLL_MS = 50;

// Runs in the page: the agent's protocol client and its calls.
function installCallAgent(wsUrl, login, password) {
  const A = (window.callAgent = { messages: [], ready: false, calls: {}, waiting: new Map(), autoAccept: null });
  let counter = 0;
  const ws = new WebSocket(wsUrl);
  A.send = (type, fields) => {
    const cid = `pa${++counter}`;
    ws.send(JSON.stringify(Object.assign({ v: 1, type, cid }, fields)));
    return cid;
  };
  /** Sends a command; resolves with its reply (an `error` reply resolves too: the caller checks). */
  A.command = (type, fields) => new Promise((resolve) => {
    const cid = A.send(type, fields);
    A.waiting.set(cid, resolve);
  });
  /** Events of a contact, live or from a snapshot (a claim's snapshot holds the visitor's call offer). */
  A.events = (id) => {
    const bySeq = new Map();
    for (const m of A.messages) {
      if (m.type === 'contact.event' && m.contact === id) bySeq.set(m.seq, m);
      if (m.type === 'contact.snapshot' && m.contact && m.contact.id === id) {
        for (const e of m.events || []) bySeq.set(e.seq, Object.assign({ contact: id }, e));
      }
    }
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  };
  ws.onopen = () => A.send('agent.login', { login, password });
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    A.messages.push(m);
    if (m.cid && A.waiting.has(m.cid)) {
      A.waiting.get(m.cid)(m);
      A.waiting.delete(m.cid);
    }
    if (m.type === 'agent.welcome') {
      A.welcome = m;
      A.command('agent.status', { status: 'ready' }).then(() => { A.ready = true; });
    } else if (m.type === 'contact.snapshot' && m.contact && m.contact.call && A.autoAccept) {
      // Taking a Call / Video Call contact answers the visitor's offer (the console rings and accepts).
      const call = m.contact.call;
      if (call.offerer === 'visitor' && call.state === 'offered' && !A.calls[m.contact.id]) {
        A.accept(m.contact.id, A.autoAccept.video);
      }
    } else if (m.type === 'contact.signal') {
      const call = A.calls[m.contact];
      if (call && call.engine) call.engine.handleSignal(m.signal);
    } else if (m.type === 'contact.event' && m.event === 'media') {
      A.onMedia(m);
    } else if (m.type === 'contact.event' && m.event === 'closed') {
      A.stop(m.contact);
    }
  };
  A.onMedia = (m) => {
    const id = m.contact;
    const call = A.calls[id];
    if (m.from === 'visitor' && m.action === 'offer' && A.autoAccept && !(call && call.engine)) {
      A.accept(id, A.autoAccept.video);
    } else if (m.from === 'visitor' && m.action === 'accept' && call && call.offered && !call.engine) {
      A.start(id, { initiator: true, video: call.video, receiveVideo: call.video });
    } else if (['hangup', 'refuse', 'failed'].includes(m.action)) {
      A.stop(id);
    }
  };
  A.start = (id, options) => {
    const call = (A.calls[id] = Object.assign(A.calls[id] || {}, { connected: false, failed: '' }));
    const video = document.createElement('video');
    video.autoplay = true;
    video.muted = true;
    video.playsInline = true;
    document.body.appendChild(video);
    call.video = call.video ?? options.video;
    call.engine = new window.SwitchboardCall({
      iceServers: A.welcome.ice_servers || [],
      iceTransportPolicy: A.welcome.ice_transport_policy,
      sendSignal: (signal) => A.send('contact.signal', { contact: id, signal }),
      onRemoteStream: (stream) => { video.srcObject = stream; video.play().catch(() => {}); },
      onConnected: () => {
        call.connected = true;
        A.send('contact.media', { contact: id, action: 'connected' });
      },
      onFailed: (reason) => {
        call.failed = reason;
        A.send('contact.media', { contact: id, action: 'failed', reason });
      },
    });
    return call.engine.start(options);
  };
  A.offer = (id, video) => {
    A.calls[id] = { offered: true, video: Boolean(video) };
    return A.command('contact.media', { contact: id, action: 'offer', video: Boolean(video) });
  };
  A.accept = (id, video) => {
    A.calls[id] = { offered: false, video: Boolean(video) };
    const reply = A.command('contact.media', { contact: id, action: 'accept', video: Boolean(video) });
    A.start(id, { initiator: false, video: Boolean(video), receiveVideo: true });
    return reply;
  };
  A.hangup = (id) => {
    A.stop(id);
    return A.command('contact.media', { contact: id, action: 'hangup' });
  };
  A.stop = (id) => {
    const call = A.calls[id];
    if (call && call.engine) call.engine.hangup();
  };
  A.stats = async (id) => {
    const call = A.calls[id];
    return call && call.engine ? call.engine.stats() : null;
  };
}

export class CallAgent {
  constructor(page) {
    this.page = page;
  }

  /**
   * Opens a page of the server (so /media/call.js is same-origin and the page a secure context), loads the
   * call engine and logs in as `login`, ready.
   */
  static async start(browser, serverUrl, login = 'carla', password = `${login}-demo`) {
    const page = await browser.newPage();
    page.e2eLog = [];
    page.on('console', (msg) => page.e2eLog.push(`[agent console.${msg.type()}] ${msg.text()}`));
    page.on('pageerror', (err) => page.e2eLog.push(`[agent pageerror] ${err && err.message ? err.message : err}`));
    const base = serverUrl.replace(/\/$/, '');
    await page.goto(`${base}/healthz`);
    await page.addScriptTag({ url: `${base}/media/call.js` });
    const wsUrl = base.replace(/^http/, 'ws') + '/ws';
    await page.evaluate(installCallAgent, wsUrl, login, password);
    const agent = new CallAgent(page);
    await agent.waitUntil(() => window.callAgent.ready, undefined, 'logged in and ready');
    return agent;
  }

  /** Waits until fn(arg) is truthy in the page; returns its value. */
  async waitUntil(fn, arg, what = fn.toString(), timeout = DEFAULT_TIMEOUT) {
    try {
      const handle = await this.page.waitForFunction(fn, { timeout, polling: POLL_MS }, arg);
      const value = await handle.jsonValue();
      await handle.dispose().catch(() => {});
      return value;
    } catch (err) {
      const seen = await this.page.evaluate(() => window.callAgent &&
        window.callAgent.messages.slice(-30).map((m) => JSON.stringify(m).slice(0, 300))).catch(() => []);
      throw new Error(`call agent: no ${what} after ${timeout} ms; last messages:\n  ${(seen || []).join('\n  ')}\n` +
        `agent page log:\n  ${this.page.e2eLog.slice(-20).join('\n  ')}\n(${err.message})`);
    }
  }

  /** Runs window.callAgent[method](...args) in the page and returns its (awaited) result. */
  call(method, ...args) {
    return this.page.evaluate((m, a) => window.callAgent[m](...a), method, args);
  }

  /** Waits until the contact is in this agent's waiting list, then claims it; returns the snapshot. */
  async claim(contactId) {
    await this.waitUntil((id) => window.callAgent.messages.some((m) =>
      (m.type === 'queue.waiting' && (m.contacts || []).some((c) => c.id === id)) ||
      (m.type === 'queue.changed' && (m.added || []).some((c) => c.id === id))), contactId, `${contactId} waiting`);
    const reply = await this.call('command', 'contact.claim', { contact: contactId });
    if (reply.type !== 'contact.snapshot') throw new Error(`claim ${contactId}: ${JSON.stringify(reply)}`);
    return reply;
  }

  /** Sends a command and throws on an `error` reply. */
  async command(type, fields) {
    const reply = await this.call('command', type, fields);
    if (reply.type === 'error') throw Object.assign(new Error(`${type}: ${reply.code}`), { code: reply.code, reply });
    return reply;
  }

  /** Waits for a contact.event of `contactId` matching the (self-contained) predicate; returns it. */
  waitForEvent(contactId, predicate, what) {
    return this.waitUntil(([id, src]) => {
      const test = (0, eval)(`(${src})`); // eslint-disable-line no-eval
      return window.callAgent.events(id).find(test) || false;
    }, [contactId, predicate.toString()], what || `event ${predicate}`);
  }

  events(contactId) {
    return this.page.evaluate((id) => window.callAgent.events(id), contactId);
  }

  stats(contactId) {
    return this.call('stats', contactId);
  }

  /** Waits until the call's video frames decoded exceed `above`; returns the stats. */
  waitForFrames(contactId, above, what = `more than ${above} frames decoded`) {
    return this.waitUntil(async (a) => {
      const s = await window.callAgent.stats(a.id);
      return s && s.framesDecoded > a.above ? s : false;
    }, { id: contactId, above }, what);
  }

  close() {
    return this.page.close().catch(() => {});
  }
}
