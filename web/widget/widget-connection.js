// Switchboard visitor widget: the visitor's side of protocol v1 (docs/protocol.md) over one WebSocket.
// Opens the socket, says visitor.hello, reconnects after a drop (0.5 s doubling up to 10 s, as the console),
// and hands every server message to the widget. Commands get a client id (cid) so replies can be matched.
(function () {
  'use strict';
  const W = (window.SwitchboardWidget = window.SwitchboardWidget || {});

  const MIN_DELAY_MS = 500;
  const MAX_DELAY_MS = 10000;

  class VisitorConnection {
    /**
     * url: ws(s) URL of the server's /ws.
     * hello(): the visitor.hello fields to send on every (re)connection (visitor, name, language, page, ...).
     * handlers: {onWelcome(msg), onMessage(msg), onStatus('connecting'|'online'|'offline')}.
     */
    constructor(url, hello, handlers) {
      this.url = url;
      this.hello = hello;
      this.handlers = handlers;
      this.ws = null;
      this.ready = false; // welcomed on the current socket
      this.queue = []; // commands sent before the welcome
      this.pending = new Map(); // cid -> {resolve, reject, type}
      this.counter = 0;
      this.delay = MIN_DELAY_MS;
      this.stopped = false;
      this.timer = null;
      this.prefix = Math.random().toString(36).slice(2, 8);
    }

    nextCid(kind) {
      this.counter += 1;
      return `${kind || 'w'}${this.counter}-${this.prefix}`;
    }

    start() {
      if (this.ws || this.stopped) return;
      this.handlers.onStatus('connecting');
      let ws;
      try {
        ws = new WebSocket(this.url);
      } catch (e) {
        this.retry();
        return;
      }
      this.ws = ws;
      ws.onopen = () => {
        const hello = Object.assign({ v: 1, type: 'visitor.hello', cid: this.nextCid('h') }, this.hello());
        ws.send(JSON.stringify(hello));
      };
      ws.onmessage = (e) => {
        let msg;
        try {
          msg = JSON.parse(e.data);
        } catch (err) {
          return;
        }
        if (!msg || typeof msg !== 'object') return;
        this.dispatch(msg);
      };
      ws.onclose = () => {
        if (this.ws !== ws) return;
        this.ws = null;
        this.ready = false;
        // Commands waiting for a reply are not answered on a new socket: fail them (the caller may retry).
        for (const [, p] of this.pending) p.reject(Object.assign(new Error('disconnected'), { code: 'disconnected' }));
        this.pending.clear();
        if (!this.stopped) this.retry();
      };
      ws.onerror = () => {}; // onclose follows
    }

    retry() {
      this.handlers.onStatus('offline');
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.start(), this.delay);
      this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
    }

    dispatch(msg) {
      if (msg.type === 'visitor.welcome') {
        this.ready = true;
        this.delay = MIN_DELAY_MS;
        this.handlers.onStatus('online');
        this.handlers.onWelcome(msg);
        const queued = this.queue;
        this.queue = [];
        for (const frame of queued) this.ws.send(frame);
        return;
      }
      const waiter = msg.cid && this.pending.get(msg.cid);
      if (waiter && (msg.type !== 'contact.event' || waiter.acceptEvent)) {
        this.pending.delete(msg.cid);
        if (msg.type === 'error') {
          waiter.reject(Object.assign(new Error(msg.message || msg.code), { code: msg.code }));
        } else {
          waiter.resolve(msg);
        }
      }
      this.handlers.onMessage(msg);
    }

    /** Sends a command (fire and forget); queued until the visitor is welcomed. Returns its cid. */
    send(type, fields, cid) {
      const id = cid || this.nextCid('c');
      const frame = JSON.stringify(Object.assign({ v: 1, type, cid: id }, fields));
      if (this.ready && this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
      else this.queue.push(frame);
      return id;
    }

    /** Sends a command and resolves with its reply (or rejects with {code} on an `error`). */
    request(type, fields) {
      const cid = this.nextCid('r');
      return new Promise((resolve, reject) => {
        this.pending.set(cid, { resolve, reject, acceptEvent: true });
        this.send(type, fields, cid);
      });
    }

    stop() {
      this.stopped = true;
      clearTimeout(this.timer);
      if (this.ws) this.ws.close();
      this.ws = null;
    }
  }

  W.VisitorConnection = VisitorConnection;
})();
