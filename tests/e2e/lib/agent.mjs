// A scripted protocol v1 client (docs/protocol.md) for the end-to-end tests: an agent that logs in, gets
// ready, claims contacts, chats, pushes links; or a bare visitor. Written from the protocol document only.
//
// WebSocket: node 20 has a global WebSocket only with --experimental-websocket (node 22 by default); without
// it we use the 'ws' package that puppeteer-core already brings into node_modules (same API for what we use).
// Waiting is always on received messages (waitFor with a predicate and a timeout), never on fixed sleeps.

const WsPackage = (await import('ws')).WebSocket;
const WebSocketImpl = globalThis.WebSocket ?? WsPackage;

export const DEFAULT_TIMEOUT = Number(process.env.E2E_TIMEOUT_MS) || 20_000;

export class ProtocolClient {
  // headers: extra HTTP headers on the WebSocket upgrade (e.g. X-Forwarded-For, as a reverse proxy adds); only
  // the 'ws' package can send them.
  constructor(url, label = 'client', { headers } = {}) {
    this.url = url;
    this.label = label;
    this.headers = headers;
    this.messages = []; // every message received, in order
    this.sent = [];
    this.waiters = new Set();
    this.counter = 0;
  }

  /** ws URL of a server started by startServer(): `${server.url}/ws`. */
  static wsUrl(serverUrl) {
    return serverUrl.replace(/^http/, 'ws').replace(/\/$/, '') + '/ws';
  }

  open(timeout = DEFAULT_TIMEOUT) {
    return new Promise((resolve, reject) => {
      const ws = this.headers ? new WsPackage(this.url, { headers: this.headers }) : new WebSocketImpl(this.url);
      this.ws = ws;
      const timer = setTimeout(() => reject(new Error(`${this.label}: no connection to ${this.url}`)), timeout);
      ws.onopen = () => { clearTimeout(timer); resolve(this); };
      ws.onerror = (e) => { clearTimeout(timer); reject(new Error(`${this.label}: ${e.message || 'socket error'}`)); };
      ws.onclose = () => { this.closed = true; this.check(); };
      ws.onmessage = (e) => {
        const text = typeof e.data === 'string' ? e.data : Buffer.from(e.data).toString('utf8');
        const msg = JSON.parse(text);
        this.received(msg);
        this.messages.push(msg);
        this.check();
      };
    });
  }

  close() {
    try { this.ws?.close(); } catch {}
  }

  /** Called with each message as it arrives, before waiters see it (subclasses keep state here). */
  received(msg) {}

  /** Sends {v:1, type, cid, ...fields}; returns the cid. */
  send(type, fields = {}) {
    const cid = fields.cid ?? `${this.label}-${++this.counter}`;
    const msg = { v: 1, type, cid, ...fields };
    this.sent.push(msg);
    this.ws.send(JSON.stringify(msg));
    return cid;
  }

  /** Index to pass as `from` so a later waitFor only looks at messages received after now. */
  mark() {
    return this.messages.length;
  }

  /**
   * Resolves with the first message (from index `from`) for which predicate(msg) is truthy; rejects after
   * `timeout` ms listing the messages seen.
   */
  waitFor(predicate, { from = 0, timeout = DEFAULT_TIMEOUT, what = predicate.toString() } = {}) {
    const found = this.messages.slice(from).find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        check: () => {
          const m = this.messages.slice(from).find(predicate);
          if (m) { cleanup(); resolve(m); return; }
          if (this.closed) { cleanup(); reject(new Error(`${this.label}: socket closed while waiting for ${what}`)); }
        },
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = this.messages.slice(from).map((m) => JSON.stringify(m)).join('\n  ');
        reject(new Error(`${this.label}: no message matching ${what} after ${timeout} ms; received:\n  ${seen}`));
      }, timeout);
      const cleanup = () => { clearTimeout(timer); this.waiters.delete(waiter); };
      this.waiters.add(waiter);
    });
  }

  check() {
    for (const w of [...this.waiters]) w.check();
  }

  /** Sends a command and waits for the reply carrying its cid; rejects on an `error` reply. */
  async command(type, fields = {}, { timeout } = {}) {
    const from = this.mark();
    const cid = this.send(type, fields);
    const reply = await this.waitFor((m) => m.cid === cid, { from, timeout, what: `reply to ${type} ${cid}` });
    if (reply.type === 'error') {
      throw Object.assign(new Error(`${this.label}: ${type} refused: ${reply.code} ${reply.message ?? ''}`),
        { code: reply.code, reply });
    }
    return reply;
  }

  /** Events of one contact received so far (contact.event messages and snapshot events), by seq. */
  events(contactId) {
    const bySeq = new Map();
    for (const m of this.messages) {
      if (m.type === 'contact.event' && m.contact === contactId) bySeq.set(m.seq, m);
      if (m.type === 'contact.snapshot' && m.contact?.id === contactId) {
        for (const e of m.events || []) bySeq.set(e.seq, { ...e, contact: contactId });
      }
    }
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Waits for a contact.event on `contactId` matching predicate (from index `from`). */
  waitForEvent(contactId, predicate, opts = {}) {
    return this.waitFor((m) => m.type === 'contact.event' && m.contact === contactId && predicate(m),
      { what: `event on ${contactId}: ${predicate}`, ...opts });
  }
}

// The waiting list after a queue.waiting / queue.changed message, kept on the message under this key (a
// symbol: JSON.stringify of the message, in failure listings, leaves it out).
const LIST = Symbol('waiting list after this message');

/** The protocol's waiting-list order: created_at, then id. */
function waitsBefore(a, b) {
  if (a.created_at !== b.created_at) return a.created_at - b.created_at;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export class ScriptedAgent extends ProtocolClient {
  constructor(serverUrl, login, password) {
    super(ProtocolClient.wsUrl(serverUrl), `agent-${login}`);
    this.login = login;
    this.password = password;
    this.waiting = []; // the waiting list as the console keeps it: queue.waiting, then each queue.changed applied
  }

  /** Applies queue.waiting (the whole list) and queue.changed (added by id, removed) to this.waiting. */
  received(msg) {
    if (msg.type === 'queue.waiting') {
      this.waiting = [...(msg.contacts || [])].sort(waitsBefore);
    } else if (msg.type === 'queue.changed') {
      const drop = new Set([...(msg.removed || []), ...(msg.added || []).map((c) => c.id)]);
      this.waiting = this.waiting.filter((c) => !drop.has(c.id)).concat(msg.added || []).sort(waitsBefore);
      if (msg.count !== this.waiting.length) {
        console.error(`${this.label}: queue.changed count ${msg.count} but the list holds ${this.waiting.length}`);
      }
    } else {
      return;
    }
    Object.defineProperty(msg, LIST, { value: this.waiting });
  }

  /**
   * Waits for a queue.waiting or queue.changed message (from index `from`) after which the waiting list
   * satisfies test(list); resolves with that list (oldest first).
   */
  async waitForList(test, opts = {}) {
    const msg = await this.waitFor((m) => m[LIST] !== undefined && test(m[LIST]),
      { what: `waiting list with ${test}`, ...opts });
    return msg[LIST];
  }

  /** Connects, logs in and becomes ready. */
  static async start(serverUrl, login = 'alice', password = `${login}-demo`) {
    const agent = new ScriptedAgent(serverUrl, login, password);
    await agent.open();
    agent.welcome = await agent.command('agent.login', { login, password });
    await agent.command('agent.status', { status: 'ready' });
    return agent;
  }

  /** Waits until the waiting list holds a contact that matches predicate; returns that contact. */
  async waitForWaiting(predicate = () => true, opts = {}) {
    const list = await this.waitForList((l) => l.some(predicate), { what: `waiting list with ${predicate}`, ...opts });
    return list.find(predicate);
  }

  async claim(contactId) {
    const snapshot = await this.command('contact.claim', { contact: contactId });
    if (snapshot.type !== 'contact.snapshot') throw new Error(`claim: unexpected reply ${JSON.stringify(snapshot)}`);
    return snapshot;
  }

  say(contactId, text) { return this.command('contact.send', { contact: contactId, text }); }
  typing(contactId, typing) { return this.send('contact.typing', { contact: contactId, typing }); }
  read(contactId, upTo) { return this.command('contact.read', { contact: contactId, up_to: upTo }); }
  link(contactId, url) { return this.command('contact.link', { contact: contactId, url }); }
  stop(contactId, outcome) {
    return this.command('contact.stop', outcome ? { contact: contactId, outcome } : { contact: contactId });
  }
}

/** A bare visitor connection (for probing the server and for protocol checks). */
export class ScriptedVisitor extends ProtocolClient {
  // options.headers: extra upgrade headers, e.g. {'X-Forwarded-For': '2.16.70.5'} for a server that trusts
  // 127.0.0.1 as a proxy (geo.trusted_proxies): the visitor's country then comes from that address.
  static async start(serverUrl, hello = {}, options = {}) {
    const visitor = new ScriptedVisitor(ProtocolClient.wsUrl(serverUrl), 'visitor', options);
    await visitor.open();
    visitor.welcome = await visitor.command('visitor.hello', hello);
    return visitor;
  }
}

/**
 * Waits until `client` has seen (live or in a snapshot) an event of contact `contactId` matching predicate;
 * returns the event. Useful when an event may come before or after a claim's snapshot.
 */
export async function waitForContactEvent(client, contactId, predicate, { timeout = DEFAULT_TIMEOUT, what } = {}) {
  const has = (m) => (m.type === 'contact.event' && m.contact === contactId && predicate(m)) ||
    (m.type === 'contact.snapshot' && m.contact?.id === contactId && (m.events || []).some(predicate));
  await client.waitFor(has, { timeout, what: what ?? `event on ${contactId}: ${predicate}` });
  return client.events(contactId).find(predicate);
}
