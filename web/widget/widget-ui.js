// Switchboard visitor widget: the launcher, the panel and the life of one contact.
//
// State kept in the browser:
//   localStorage   "switchboard-visitor": {id, secret, name}: the visitor, new or returning, across days.
//   sessionStorage "switchboard-widget":  this tab's contact (id, last seq, transcript, view), so the contact
//                  survives page changes: the next page says visitor.hello, then contact.resume after the last
//                  seq, then contact.page with its url and title.
// Every text from the server or the visitor goes into the page with textContent (never innerHTML).
(function () {
  'use strict';
  const W = window.SwitchboardWidget;

  const TYPES = ['chat', 'call', 'video', 'callback', 'weblead'];
  const VISITOR_KEY = 'switchboard-visitor';
  const TAB_KEY = 'switchboard-widget';
  const MAX_TRANSCRIPT = 200; // entries kept for the next page
  const TYPING_IDLE_MS = 3000; // our "typing" ends after this long without a keystroke
  const AGENT_TYPING_MAX_MS = 15000; // hide the agent's indicator if its "stopped" never comes

  // --- small helpers ------------------------------------------------------------------------------------

  function storage(kind) {
    try {
      const s = window[kind];
      return {
        get(key) { try { return JSON.parse(s.getItem(key) || 'null'); } catch (e) { return null; } },
        set(key, value) { try { s.setItem(key, JSON.stringify(value)); } catch (e) { /* full or blocked */ } },
        remove(key) { try { s.removeItem(key); } catch (e) { /* blocked */ } },
      };
    } catch (e) { // storage disabled: the widget still works on one page
      return { get() { return null; }, set() {}, remove() {} };
    }
  }
  const local = storage('localStorage');
  const session = storage('sessionStorage');

  /** el('p', {class: 'x', text: 'hi', onclick: fn, 'aria-live': 'polite'}, child, ...): a DOM element. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key === 'class') node.className = value;
      else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
      else if (key in node && typeof value !== 'string') node[key] = value; // e.g. hidden, disabled, value
      else node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function safeHttpUrl(text) {
    try {
      const url = new URL(text, location.href);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
    } catch (e) {
      return null;
    }
  }

  function formatTime(ms) {
    const s = Math.max(0, Math.ceil(ms / 1000));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  }

  function mediaCapabilities() {
    const rtc = typeof window.RTCPeerConnection === 'function';
    const gum = Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
    return { voice: rtc && gum, video: rtc && gum };
  }

  let idCounter = 0;
  let entryCounter = 0;
  const uid = (name) => `sbw-${name}-${++idCounter}`;

  // --- the widget ---------------------------------------------------------------------------------------

  class Widget {
    constructor(config) {
      this.config = config;
      this.capabilities = config.capabilities || mediaCapabilities();
      this.calls = new W.CallController(this); // widget-call.js
      this.files = new W.FileController(this); // widget-files.js
      const tab = session.get(TAB_KEY) || {};
      // While a contact goes on, the widget keeps the language it started in, whatever the next page says.
      this.language = W.i18n.pickLanguage((tab.contact && tab.language) || config.language);
      this.t = W.i18n.translator(this.language);
      this.view = tab.view || 'home'; // home | form | contact | dissuaded | done | ended
      this.formType = tab.formType || '';
      this.contact = tab.contact || null; // the contact object last seen (server shape)
      this.seq = tab.seq || 0; // last event seq applied
      this.transcript = tab.transcript || []; // entries: {k:'msg'|'note'|'link', ...}
      this.agentReadUpTo = tab.agentReadUpTo || 0; // the agent read our messages up to this seq
      this.myReadUpTo = tab.myReadUpTo || 0; // we told the server we read up to this seq
      this.chatClosed = Boolean(tab.chatClosed); // chat dropped while a call goes on
      this.lead = tab.lead || null; // pre-filled weblead fields after a dissuasion
      this.refused = new Set(tab.refused || []); // types the service refused (type_not_allowed)
      this.services = tab.services || null; // from visitor.welcome: [{id, name, language, media, ...}]
      this.open = Boolean(tab.open);
      this.pageReported = tab.pageReported || ''; // the url we last sent with contact.page
      this.notice = ''; // a message shown above the current view (errors)
      this.offset = 0; // server clock - our clock, from the last message with `now`
      this.resuming = false;
      this.typingSent = false;
      this.typingTimer = null;
      this.agentTypingTimer = null;
      this.countdownTimer = null;
      this.positions = {}; // contact id -> place in its service's queue (queue.position)
      this.conn = null;
      if (this.view === 'contact' && !this.contact) this.view = 'home';
    }

    // --- persistence ---

    save() {
      session.set(TAB_KEY, {
        view: this.view, formType: this.formType, contact: this.contact, seq: this.seq,
        transcript: this.transcript.slice(-MAX_TRANSCRIPT), agentReadUpTo: this.agentReadUpTo,
        myReadUpTo: this.myReadUpTo, chatClosed: this.chatClosed, lead: this.lead, refused: [...this.refused],
        open: this.open, language: this.language, pageReported: this.pageReported, services: this.services,
      });
    }

    visitor() { return local.get(VISITOR_KEY) || {}; }

    customerName() { return this.config.name || this.visitor().name || ''; }

    // --- connection ---

    connect() {
      if (this.conn) return;
      this.conn = new W.VisitorConnection(this.config.server, () => this.helloFields(), {
        onWelcome: (m) => this.onWelcome(m),
        onMessage: (m) => this.onMessage(m),
        onStatus: (s) => this.onStatus(s),
      });
      this.conn.start();
    }

    helloFields() {
      const v = this.visitor();
      return {
        visitor: v.id && v.secret ? { id: v.id, secret: v.secret } : undefined,
        name: this.customerName() || undefined,
        language: this.language,
        page: { url: location.href, title: document.title },
        capabilities: this.capabilities,
      };
    }

    onStatus(status) {
      if (status === 'offline' && this.connection !== 'offline') this.announce(this.t('offline'));
      this.connection = status;
      this.dom.root.dataset.connection = status;
    }

    onWelcome(msg) {
      if (msg.visitor && msg.visitor.id) {
        local.set(VISITOR_KEY, Object.assign(this.visitor(), { id: msg.visitor.id, secret: msg.visitor.secret }));
      }
      if (typeof msg.now === 'number') this.offset = msg.now - Date.now();
      this.welcomed = true;
      if (Array.isArray(msg.services)) this.services = msg.services;
      this.calls.setIce(msg.ice_servers, msg.ice_transport_policy);
      this.files.setLimits(msg.files);
      this.save();
      // The offered types may have changed (a form being filled in stays, unless its type is not offered).
      if (this.view === 'home') this.render();
      else if (this.view === 'form' && !this.offeredTypes().includes(this.formType)) this.go('home');
      if (!this.contact) return;
      const open = (msg.contacts || []).find((c) => c && c.id === this.contact.id);
      if (open) this.updateContact(open);
      // Ask for what we missed (also when the contact is no longer open: the snapshot tells how it ended).
      this.resume();
      if (open && this.pageReported !== location.href) {
        this.conn.send('contact.page', { contact: this.contact.id, url: location.href, title: document.title });
        this.pageReported = location.href;
        this.save();
      }
    }

    resume() {
      if (!this.contact || this.resuming) return;
      this.resuming = true;
      const id = this.contact.id;
      this.conn.request('contact.resume', { contact: id, after: this.seq })
        .then((snapshot) => { this.resuming = false; this.applySnapshot(snapshot); })
        .catch((err) => {
          this.resuming = false;
          const gone = err.code === 'not_found' || err.code === 'closed';
          if (gone && this.contact && this.contact.id === id) this.endContact(null);
        });
    }

    onMessage(msg) {
      const id = this.contact && this.contact.id;
      switch (msg.type) {
        case 'contact.snapshot':
          if (msg.contact && msg.contact.id === id && !msg.cid) this.applySnapshot(msg);
          break;
        case 'contact.event':
          if (msg.contact === id) this.applyEvent(msg, true);
          break;
        case 'contact.typing':
          if (msg.contact === id && msg.from === 'agent') this.showAgentTyping(Boolean(msg.typing));
          break;
        case 'contact.signal':
          if (msg.contact === id) this.calls.onSignal(msg);
          break;
        case 'queue.position': // may come before the request's snapshot is handled: kept by contact id
          this.positions[msg.contact] = msg.position;
          if (msg.contact === id) this.renderContactBits();
          break;
        case 'error':
          this.onCommandError(msg);
          break;
        default:
          break; // ack, pong
      }
    }

    onCommandError(msg) {
      const entry = msg.cid && this.transcript.find((e) => e.k === 'msg' && e.cid === msg.cid && e.state === 'sending');
      if (entry) {
        entry.state = 'failed';
        this.refreshMessage(entry);
        this.save();
      }
    }

    // --- contact state ---

    updateContact(c) {
      this.contact = Object.assign({}, this.contact, c);
    }

    applySnapshot(msg) {
      if (!msg.contact || !this.contact || msg.contact.id !== this.contact.id) return;
      if (typeof msg.now === 'number') this.offset = msg.now - Date.now();
      const events = (msg.events || []).slice().sort((a, b) => a.seq - b.seq);
      this.updateContact(msg.contact);
      for (const ev of events) this.applyEvent(ev, false);
      if (this.contact && msg.contact.state !== 'closed') this.calls.sync(this.contact);
      if (this.contact && msg.contact.state === 'closed' && this.view === 'contact') {
        this.endContact(msg.contact.outcome);
      }
      this.save();
      this.render();
    }

    applyEvent(ev, live) {
      if (!this.contact || typeof ev.seq !== 'number') return;
      if (ev.seq <= this.seq) return; // seen already
      if (ev.seq > this.seq + 1 && live) { // a gap: fetch what is missing
        this.resume();
        return;
      }
      this.seq = ev.seq;
      const c = this.contact;
      switch (ev.event) {
        case 'pending':
          if (c.state === 'assigned') this.note(this.t('returned'));
          c.state = 'pending';
          c.deadline = ev.deadline ?? null;
          c.agent = null;
          if (live && typeof ev.at === 'number') this.offset = ev.at - Date.now();
          break;
        case 'returned':
          c.state = 'pending';
          c.agent = null;
          break;
        case 'assigned': {
          c.state = 'assigned';
          c.deadline = null;
          c.agent = ev.agent || null;
          if (ev.channels) c.channels = ev.channels;
          const text = this.t('joined', { name: this.agentName() });
          this.note(text);
          if (live) this.announce(text);
          break;
        }
        case 'message':
          this.onChatMessage(ev);
          break;
        case 'read':
          if (ev.from === 'agent' && ev.up_to > this.agentReadUpTo) {
            this.agentReadUpTo = ev.up_to;
            this.refreshReadMarks();
          }
          break;
        case 'channel':
          c.channels = Object.assign({}, c.channels, { [ev.channel]: ev.state });
          // The chat was closed during a call and now the call is over: nothing is left of the contact.
          if (live && this.chatClosed && !this.callActive()) this.conn.send('contact.stop', { contact: c.id });
          break;
        case 'color':
          c.color = ev.color;
          break;
        case 'page':
          c.page = { url: ev.url, title: ev.title };
          break;
        case 'link':
          this.onLink(ev, live);
          break;
        case 'media':
          this.calls.onMediaEvent(ev, live);
          break;
        case 'file':
          this.files.onEvent(ev, live);
          break;
        case 'translation': // the agent turned automatic translation on or off
          this.note(this.t(ev.language ? 'translation_on' : 'translation_off'));
          break;
        case 'closed':
          c.state = 'closed';
          c.outcome = ev.outcome;
          this.endContact(ev.outcome);
          return; // endContact saves and renders
        default:
          break; // presence, idle
      }
      this.save();
      if (live) this.renderContactBits();
    }

    agentName() {
      return (this.contact && this.contact.agent && this.contact.agent.name) || this.t('agent');
    }

    onChatMessage(ev) {
      let entry = ev.cid && this.transcript.find((e) => e.k === 'msg' && e.cid === ev.cid);
      if (entry) {
        entry.seq = ev.seq;
        entry.state = 'sent';
        this.refreshMessage(entry);
        return;
      }
      entry = { k: 'msg', from: ev.from, author: ev.author || '', text: String(ev.text ?? ''), seq: ev.seq, state: 'sent' };
      // The agent's words translated into the visitor's language (docs/protocol.md, "Automatic translations").
      if (ev.from === 'agent' && ev.translation && typeof ev.translation.text === 'string' && ev.translation.text)
        entry.translation = ev.translation.text;
      this.addEntry(entry);
      if (ev.from === 'agent') {
        this.showAgentTyping(false);
        this.markRead();
      }
    }

    onLink(ev, live) {
      const url = safeHttpUrl(ev.url);
      if (!url) return;
      this.addEntry({ k: 'link', author: this.agentName(), url: url.href, seq: ev.seq });
      if (!live) return; // a link missed while changing page is only shown, not followed
      if (url.origin === location.origin) {
        this.save(); // the seq includes this link, so the next page does not follow it again
        location.assign(url.href);
      } else {
        window.open(url.href, '_blank', 'noopener');
      }
    }

    /** The contact ended: a dissuasion offers the weblead form, anything else says so. */
    endContact(outcome) {
      this.calls.contactEnded();
      this.files.contactEnded();
      this.stopTyping();
      this.showAgentTyping(false);
      if (outcome === 'dissuaded' && (this.view === 'contact' || this.view === 'home')) {
        const lead = this.offeredTypes().includes('weblead');
        this.lead = this.prefilledLead();
        this.view = lead ? 'dissuaded' : 'ended';
        this.notice = lead ? '' : this.t('dissuaded_no_lead');
        this.announce(lead ? this.t('dissuaded') : this.t('dissuaded_no_lead'));
      } else if (this.view === 'contact') {
        this.note(this.t('ended'));
        this.view = 'ended';
        this.announce(this.t('ended'));
      }
      this.contact = null;
      this.seq = 0;
      this.chatClosed = false;
      this.save();
      this.render();
    }

    /** What the visitor typed so far, for the weblead form after a dissuasion. */
    prefilledLead() {
      const c = this.contact || {};
      const typed = this.transcript.filter((e) => e.k === 'msg' && e.from === 'visitor').map((e) => e.text);
      const draft = this.dom.input && this.dom.input.value.trim();
      if (draft) typed.push(draft);
      return {
        name: (c.customer && c.customer.name) || this.customerName(),
        email: '',
        phone: (c.callback && c.callback.phone) || '',
        message: typed.join('\n'),
      };
    }

    callActive() {
      const ch = (this.contact && this.contact.channels) || {};
      return ['voice', 'video'].some((k) => ch[k] === 'active' || ch[k] === 'connecting');
    }

    // --- commands ---

    /** This page's service as the server described it, or null (not known yet, or not announced). */
    service() {
      return (this.services || []).find((s) => s && s.id === this.config.service) || null;
    }

    /** The types to offer: those the service allows (when known) and this browser can carry. */
    offeredTypes() {
      const service = this.service();
      const media = service && Array.isArray(service.media) ? service.media : TYPES;
      return TYPES.filter((type) => media.includes(type) && !this.refused.has(type) &&
        (type !== 'call' || this.capabilities.voice) && (type !== 'video' || this.capabilities.video));
    }

    request(type, fields) {
      this.connect();
      const msg = Object.assign({
        service: this.config.service, contact_type: type, page: { url: location.href, title: document.title },
      }, fields);
      if (fields.name) local.set(VISITOR_KEY, Object.assign(this.visitor(), { name: fields.name }));
      return this.conn.request('contact.request', msg).catch((err) => {
        if (err.code === 'type_not_allowed') {
          this.refused.add(type);
          this.notice = this.t('type_not_allowed');
          this.view = type === 'weblead' && this.lead ? 'ended' : 'home';
          if (this.view === 'ended') this.notice = this.t('dissuaded_no_lead');
        } else if (err.code === 'medium_unsupported') {
          this.notice = this.t('medium_unsupported');
          this.view = 'home';
        } else {
          this.notice = this.t('error');
        }
        this.save();
        this.render();
        this.announce(this.notice);
        throw err;
      });
    }

    startContact(type, fields, firstMessage) {
      return this.request(type, fields).then((snapshot) => {
        this.contact = snapshot.contact;
        this.seq = 0;
        this.transcript = [];
        this.agentReadUpTo = 0;
        this.myReadUpTo = 0;
        this.chatClosed = false;
        this.lead = null;
        this.notice = '';
        this.pageReported = location.href;
        this.view = 'contact';
        this.applySnapshot(snapshot);
        if (this.contact && this.contact.state === 'pending') this.announce(this.t('waiting'));
        if (firstMessage) this.sendMessage(firstMessage);
      });
    }

    sendLead(fields) {
      return this.request('weblead', { name: fields.name, weblead: fields }).then(() => {
        this.lead = null;
        this.notice = '';
        this.view = 'done';
        this.save();
        this.render();
        this.announce(this.t('lead_thanks'));
      });
    }

    sendMessage(text) {
      if (!this.contact || !text) return;
      const entry = { k: 'msg', from: 'visitor', author: '', text, seq: 0, state: 'sending', cid: '' };
      entry.cid = this.conn.send('contact.send', { contact: this.contact.id, text });
      this.stopTyping();
      this.addEntry(entry);
      this.save();
    }

    onInputTyping() {
      if (!this.contact) return;
      if (!this.typingSent) {
        this.typingSent = true;
        this.conn.send('contact.typing', { contact: this.contact.id, typing: true });
      }
      clearTimeout(this.typingTimer);
      this.typingTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
    }

    stopTyping() {
      clearTimeout(this.typingTimer);
      if (this.typingSent && this.contact && this.conn) {
        this.conn.send('contact.typing', { contact: this.contact.id, typing: false });
      }
      this.typingSent = false;
    }

    /** Tells the server we read the agent's messages, when the panel is open on a visible page. */
    markRead() {
      if (!this.open || document.visibilityState !== 'visible' || !this.contact || !this.conn) return;
      const last = this.transcript.reduce((m, e) => (e.k === 'msg' && e.from === 'agent' ? Math.max(m, e.seq) : m), 0);
      if (last > this.myReadUpTo) {
        this.myReadUpTo = last;
        this.conn.send('contact.read', { contact: this.contact.id, up_to: last });
        this.save();
      }
    }

    /** The close button: ends the chat; the contact itself only when no call goes on. */
    closeChat() {
      if (this.view === 'contact' && this.contact) {
        if (this.callActive()) {
          // Only the chat ends: the agent sees the chat channel unavailable and the call goes on.
          this.conn.send('contact.channel', { contact: this.contact.id, channel: 'chat', state: 'unavailable' });
          this.chatClosed = true;
          this.stopTyping();
          this.save();
        } else {
          this.stopTyping();
          this.conn.send('contact.stop', { contact: this.contact.id });
        }
      } else if (this.view === 'ended' || this.view === 'done') {
        this.view = 'home';
        this.notice = '';
        this.transcript = [];
      }
      this.setOpen(false);
    }

    // --- DOM ---

    mount() {
      const t = this.t;
      const panelId = uid('panel');
      const titleId = uid('title');
      this.dom = {};
      this.dom.title = el('h2', { id: titleId, class: 'sbw-title', text: t('title') });
      this.dom.subtitle = el('p', { class: 'sbw-subtitle' });
      this.dom.minimize = el('button', {
        type: 'button', class: 'sbw-icon sbw-minimize', 'aria-label': t('minimize'), title: t('minimize'),
        text: '\u2013', onclick: () => this.setOpen(false),
      });
      this.dom.close = el('button', {
        type: 'button', class: 'sbw-icon sbw-close', 'aria-label': t('close'), title: t('close'),
        text: '\u00d7', onclick: () => this.closeChat(),
      });
      this.dom.status = el('p', { class: 'sbw-status sbw-visually-hidden', role: 'status', 'aria-live': 'polite' });
      this.dom.body = el('div', { class: 'sbw-body' });
      this.dom.panel = el('section', {
        id: panelId, class: 'sbw-panel', role: 'dialog', 'aria-labelledby': titleId, hidden: true,
        onkeydown: (e) => { if (e.key === 'Escape') { e.stopPropagation(); this.setOpen(false); } },
      },
      el('header', { class: 'sbw-header' }, el('div', { class: 'sbw-heading' }, this.dom.title, this.dom.subtitle),
        this.dom.minimize, this.dom.close),
      this.dom.status, this.dom.body);
      this.dom.launcher = el('button', {
        type: 'button', class: 'sbw-launcher', 'aria-expanded': 'false', 'aria-controls': panelId,
        text: t('launcher'), onclick: () => this.setOpen(!this.open),
      });
      this.dom.root = el('div', { class: 'sbw-root', lang: this.language }, this.calls.mount(), this.dom.panel,
        this.dom.launcher);
      this.calls.render();
      document.body.appendChild(this.dom.root);

      document.addEventListener('visibilitychange', () => this.markRead());
      window.addEventListener('pagehide', () => {
        this.calls.leavePage(); // a call cannot follow the visitor to the next page
        this.save();
        if (this.conn) this.conn.stop();
        this.conn = null;
      });
      window.addEventListener('pageshow', (e) => { if (e.persisted && (this.contact || this.open)) this.connect(); });

      if (this.contact) this.connect(); // resume this tab's contact
      this.render();
      if (this.open) this.setOpen(true, { focus: false });
    }

    setOpen(open, { focus = true } = {}) {
      this.open = open;
      this.dom.panel.hidden = !open;
      this.dom.launcher.setAttribute('aria-expanded', String(open));
      this.dom.root.classList.toggle('sbw-open', open);
      if (open) {
        this.connect();
        if (this.view === 'home' && this.config.type && this.offeredTypes().includes(this.config.type) &&
            !this.notice) {
          this.view = 'form';
          this.formType = this.config.type;
          this.render();
        }
        if (focus) this.focusFirst();
        this.markRead();
      } else if (focus) {
        this.dom.launcher.focus();
      }
      this.save();
    }

    focusFirst() {
      const target = this.dom.body.querySelector('[data-sbw-autofocus]') ||
        this.dom.body.querySelector('input, textarea, button, a[href]');
      (target || this.dom.close).focus();
    }

    /** Says something to screen readers (the visible text is elsewhere). */
    announce(text) {
      this.dom.status.textContent = '';
      // A change of content is what live regions announce; set it on the next frame.
      requestAnimationFrame(() => { this.dom.status.textContent = text; });
    }

    note(text) {
      this.addEntry({ k: 'note', text });
    }

    addEntry(entry) {
      entry.id = `${Date.now().toString(36)}-${++entryCounter}`;
      this.transcript.push(entry);
      if (this.transcript.length > MAX_TRANSCRIPT * 2) this.transcript = this.transcript.slice(-MAX_TRANSCRIPT);
      if (this.dom && this.dom.log) {
        this.dom.log.appendChild(this.entryNode(entry));
        this.scrollLog();
      }
    }

    scrollLog() {
      if (this.dom.log) this.dom.log.scrollTop = this.dom.log.scrollHeight;
    }

    entryNode(entry) {
      const t = this.t;
      if (entry.k === 'note') return el('li', { class: 'sbw-note', 'data-entry': entry.id, text: entry.text });
      if (entry.k === 'file') return this.files.entryNode(entry);
      if (entry.k === 'link') {
        const url = safeHttpUrl(entry.url);
        const sameSite = url && url.origin === location.origin;
        return el('li', { class: 'sbw-entry sbw-from-agent sbw-link', 'data-entry': entry.id },
          el('span', { class: 'sbw-author', text: t('link_pushed', { name: entry.author || t('agent') }) }), ' ',
          url ? el('a', { href: url.href, text: url.href, target: sameSite ? undefined : '_blank',
            rel: sameSite ? undefined : 'noopener' }) : null);
      }
      const mine = entry.from === 'visitor';
      // A translated agent message shows the translation; the original is in its title and one click away.
      const translated = !mine && entry.translation;
      const text = el('p', { class: 'sbw-text', text: translated ? entry.translation : entry.text,
        title: translated ? `${t('original_label')} ${entry.text}` : undefined });
      const node = el('li', { class: `sbw-entry sbw-msg ${mine ? 'sbw-from-visitor' : 'sbw-from-agent'}`,
        'data-entry': entry.id },
        el('span', { class: 'sbw-author', text: mine ? t('you') : (entry.author || t('agent')) }),
        text,
        translated ? this.originalToggle(entry, text) : null,
        mine ? el('span', { class: 'sbw-mark' }) : null);
      this.fillMark(node, entry);
      return node;
    }

    /** "Translated automatically · Original": switches a translated message between translation and original. */
    originalToggle(entry, text) {
      const t = this.t;
      const button = el('button', { type: 'button', class: 'sbw-original', 'aria-pressed': 'false',
        text: t('show_original') });
      button.addEventListener('click', () => {
        const original = button.getAttribute('aria-pressed') !== 'true';
        button.setAttribute('aria-pressed', String(original));
        button.textContent = t(original ? 'hide_original' : 'show_original');
        text.textContent = original ? entry.text : entry.translation;
      });
      return el('span', { class: 'sbw-translated' }, t('translated'), ' · ', button);
    }

    fillMark(node, entry) {
      const mark = node.querySelector('.sbw-mark');
      if (!mark) return;
      let state = entry.state;
      if (state === 'sent' && entry.seq && entry.seq <= this.agentReadUpTo) state = 'read';
      node.dataset.state = state;
      node.dataset.seq = String(entry.seq || '');
      mark.textContent = { sending: this.t('sending'), sent: this.t('sent'), read: this.t('read'),
        failed: this.t('not_sent') }[state] || '';
    }

    nodeOf(entry) {
      return this.dom.log && this.dom.log.querySelector(`li[data-entry="${CSS.escape(entry.id)}"]`);
    }

    refreshMessage(entry) {
      const node = this.nodeOf(entry);
      if (node) this.fillMark(node, entry);
    }

    refreshReadMarks() {
      for (const entry of this.transcript) {
        if (entry.k === 'msg' && entry.from === 'visitor') this.refreshMessage(entry);
      }
    }

    showAgentTyping(typing) {
      clearTimeout(this.agentTypingTimer);
      this.agentTyping = typing;
      if (typing) this.agentTypingTimer = setTimeout(() => this.showAgentTyping(false), AGENT_TYPING_MAX_MS);
      if (this.dom && this.dom.typing) {
        this.dom.typing.textContent = typing ? this.t('typing', { name: this.agentName() }) : '';
        this.dom.typing.hidden = !typing;
      }
    }

    // --- views ---

    render() {
      if (!this.dom) return;
      clearInterval(this.countdownTimer);
      this.countdownTimer = null;
      const hadFocus = this.dom.panel.contains(document.activeElement);
      this.dom.log = this.dom.input = this.dom.typing = this.dom.info = null;
      this.dom.body.replaceChildren();
      this.dom.root.dataset.view = this.view;
      const service = (this.contact && this.contact.service) || this.service();
      this.dom.subtitle.textContent = service ? service.name || '' : '';
      const inContact = this.view === 'contact' && this.contact;
      this.dom.close.setAttribute('aria-label', inContact ? this.t('end') : this.t('close'));
      this.dom.close.title = inContact ? this.t('end') : this.t('close');
      if (this.notice) this.dom.body.appendChild(el('p', { class: 'sbw-notice', role: 'alert', text: this.notice }));
      const views = {
        home: () => this.viewHome(),
        form: () => this.viewForm(this.formType),
        contact: () => this.viewContact(),
        dissuaded: () => this.viewDissuaded(),
        done: () => this.viewDone(),
        ended: () => this.viewEnded(),
      };
      (views[this.view] || views.home)();
      if (hadFocus && this.open) this.focusFirst();
    }

    go(view, formType) {
      this.view = view;
      if (formType !== undefined) this.formType = formType;
      this.notice = '';
      this.save();
      this.render();
      this.focusFirst();
    }

    viewHome() {
      const t = this.t;
      if (!this.welcomed && !this.services) { // the service's types come with visitor.welcome
        this.dom.body.appendChild(el('p', { class: 'sbw-connecting', text: t('connecting') }));
        return;
      }
      const list = el('ul', { class: 'sbw-types' });
      for (const type of this.offeredTypes()) {
        list.appendChild(el('li', {}, el('button', {
          type: 'button', class: `sbw-type sbw-type-${type}`, 'data-sbw-type': type, text: t(`type_${type}`),
          onclick: () => this.go('form', type),
        })));
      }
      this.dom.body.append(el('p', { class: 'sbw-lead-in', text: t('choose') }), list);
    }

    /** A labelled field: {name, label, type, required, value, multiline, autocomplete}. */
    field(spec) {
      const id = uid(spec.name);
      const attrs = {
        id, name: spec.name, required: spec.required || undefined, autocomplete: spec.autocomplete,
        maxlength: spec.maxlength, 'data-sbw-autofocus': spec.autofocus || undefined,
      };
      const input = spec.multiline
        ? el('textarea', Object.assign(attrs, { rows: 3 }))
        : el('input', Object.assign(attrs, { type: spec.type || 'text' }));
      input.value = spec.value || '';
      return el('div', { class: 'sbw-field' }, el('label', { for: id, text: spec.label }), input);
    }

    viewForm(type) {
      const t = this.t;
      const name = this.customerName();
      const fields = [this.field({ name: 'name', label: t('name'), value: name, autocomplete: 'name', maxlength: 128,
        autofocus: !name })];
      if (type === 'chat') {
        fields.push(this.field({ name: 'message', label: t('first_message'), multiline: true, maxlength: 4000,
          autofocus: Boolean(name) }));
      } else if (type === 'callback') {
        fields.push(this.field({ name: 'phone', label: t('phone'), type: 'tel', required: true,
          autocomplete: 'tel', maxlength: 32, autofocus: Boolean(name) }));
        fields.push(this.field({ name: 'when', label: t('when'), maxlength: 128 }));
      } else if (type === 'weblead') {
        return this.viewLeadForm(this.lead || { name });
      }
      const form = el('form', { class: 'sbw-form', 'data-sbw-form': type, novalidate: true },
        el('h3', { class: 'sbw-form-title', text: t(`type_${type}`) }), ...fields,
        el('p', { class: 'sbw-error', role: 'alert' }),
        el('div', { class: 'sbw-actions' },
          el('button', { type: 'button', class: 'sbw-secondary', text: t('back'), onclick: () => this.go('home') }),
          el('button', { type: 'submit', class: 'sbw-primary', text: t(`start_${type}`) })));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const data = Object.fromEntries(new FormData(form));
        const error = form.querySelector('.sbw-error');
        const extra = { name: (data.name || '').trim() || undefined };
        if (type === 'callback') {
          if (!data.phone.trim()) { error.textContent = t('need_phone'); form.elements.phone.focus(); return; }
          extra.callback = { phone: data.phone.trim(), when: (data.when || '').trim() };
        }
        this.busy(form, true);
        this.startContact(type, extra, type === 'chat' ? (data.message || '').trim() : '')
          .catch(() => {})
          .finally(() => this.busy(form, false));
      });
      this.dom.body.appendChild(form);
    }

    viewLeadForm(values) {
      const t = this.t;
      const form = el('form', { class: 'sbw-form', 'data-sbw-form': 'weblead', novalidate: true },
        el('h3', { class: 'sbw-form-title', text: t('type_weblead') }),
        this.field({ name: 'name', label: t('name'), value: values.name, autocomplete: 'name', maxlength: 128 }),
        this.field({ name: 'email', label: t('email'), type: 'email', value: values.email, autocomplete: 'email',
          maxlength: 256 }),
        this.field({ name: 'phone', label: t('phone'), type: 'tel', value: values.phone, autocomplete: 'tel',
          maxlength: 32 }),
        this.field({ name: 'message', label: t('message'), multiline: true, required: true, value: values.message,
          maxlength: 4000, autofocus: true }),
        el('p', { class: 'sbw-error', role: 'alert' }),
        el('div', { class: 'sbw-actions' },
          this.view === 'form'
            ? el('button', { type: 'button', class: 'sbw-secondary', text: t('back'), onclick: () => this.go('home') })
            : null,
          el('button', { type: 'submit', class: 'sbw-primary', text: t('start_weblead') })));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const data = Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v).trim()]));
        const error = form.querySelector('.sbw-error');
        if (!data.email && !data.phone) { error.textContent = t('need_email_or_phone'); form.elements.email.focus(); return; }
        if (!data.message) { error.textContent = t('need_message'); form.elements.message.focus(); return; }
        this.busy(form, true);
        this.sendLead({ name: data.name, email: data.email, phone: data.phone, message: data.message })
          .catch(() => {})
          .finally(() => this.busy(form, false));
      });
      this.dom.body.appendChild(form);
    }

    busy(form, on) {
      for (const b of form.querySelectorAll('button')) b.disabled = on;
      form.setAttribute('aria-busy', String(on));
    }

    viewContact() {
      const t = this.t;
      const c = this.contact;
      this.dom.info = el('div', { class: 'sbw-info' });
      this.dom.channels = el('ul', { class: 'sbw-channels' });
      this.dom.log = el('ol', { class: 'sbw-log', 'aria-label': t('transcript'), 'aria-live': 'polite',
        'aria-relevant': 'additions', tabindex: '0' });
      for (const entry of this.transcript) this.dom.log.appendChild(this.entryNode(entry));
      this.dom.typing = el('p', { class: 'sbw-typing', hidden: true });
      this.dom.body.append(this.dom.info, this.dom.channels, this.dom.log, this.dom.typing);
      const chatUsable = !this.chatClosed && (c.type === 'chat' ||
        ['available', 'connecting', 'active'].includes(c.channels && c.channels.chat));
      if (chatUsable) this.dom.body.appendChild(this.composer());
      this.showAgentTyping(Boolean(this.agentTyping));
      this.renderContactBits();
      requestAnimationFrame(() => this.scrollLog());
    }

    composer() {
      const t = this.t;
      const id = uid('input');
      this.dom.input = el('textarea', { id, class: 'sbw-input', rows: 2, maxlength: 4000, 'data-sbw-autofocus': true,
        oninput: () => this.onInputTyping(),
        onkeydown: (e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
        } });
      const form = el('form', { class: 'sbw-composer' },
        el('label', { for: id, class: 'sbw-visually-hidden', text: t('your_message') }), this.dom.input,
        el('button', { type: 'submit', class: 'sbw-primary sbw-send', text: t('send') }), this.files.controls());
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const text = this.dom.input.value.trim();
        if (!text) return;
        this.dom.input.value = '';
        this.sendMessage(text);
      });
      return form;
    }

    /** The parts of the contact view that change with events: waiting line, countdown, channels. */
    renderContactBits() {
      if (this.view !== 'contact' || !this.dom.info || !this.contact) return;
      const t = this.t;
      const c = this.contact;
      const lines = [];
      if (c.state === 'pending') {
        lines.push(el('p', { class: 'sbw-waiting', text: t('waiting') }));
        const position = this.positions[c.id];
        if (typeof position === 'number') {
          lines.push(el('p', { class: 'sbw-position', text: t('queue_position', { position }) }));
        }
        if (typeof c.deadline === 'number') {
          this.dom.countdown = el('p', { class: 'sbw-countdown' });
          this.dom.bar = el('div', { class: 'sbw-bar', 'aria-hidden': 'true' }, el('div'));
          lines.push(this.dom.countdown, this.dom.bar);
        }
        if (c.type === 'callback' && c.callback) {
          lines.push(el('p', { text: t('callback_waiting', { phone: c.callback.phone }) }));
        } else if (c.type === 'call' || c.type === 'video') {
          lines.push(el('p', { text: t('call_waiting') }));
        }
      } else if (c.state === 'assigned') {
        lines.push(el('p', { class: 'sbw-agent', text: this.agentName() }));
        if (this.chatClosed) lines.push(el('p', { text: t('chat_closed') }));
      }
      this.dom.info.replaceChildren(...lines);
      this.files.update();
      this.dom.root.dataset.contactState = c.state || '';
      this.tickCountdown();
      clearInterval(this.countdownTimer);
      if (c.state === 'pending' && typeof c.deadline === 'number') {
        this.countdownTimer = setInterval(() => this.tickCountdown(), 1000);
      }
      const showChannels = c.type !== 'chat' || this.callActive();
      this.dom.channels.hidden = !showChannels;
      this.dom.channels.replaceChildren(...['chat', 'voice', 'video'].map((name) => {
        // The chat dropped here shows as such (protocol v1 cannot tell the server yet).
        const state = (name === 'chat' && this.chatClosed) ? 'unavailable'
          : (c.channels && c.channels[name]) || 'unavailable';
        return el('li', { class: `sbw-channel sbw-channel-${state}`, 'data-channel': name, 'data-state': state,
          text: `${t(`channel_${name}`)}: ${t(`state_${state}`)}` });
      }));
      if (this.dom.typing && this.agentTyping) this.dom.typing.textContent = t('typing', { name: this.agentName() });
    }

    tickCountdown() {
      const c = this.contact;
      if (!c || !this.dom.countdown || typeof c.deadline !== 'number') return;
      const left = c.deadline - (Date.now() + this.offset);
      this.dom.countdown.textContent = this.t('time_left', { time: formatTime(left) });
      const total = c.deadline - (c.created_at || c.deadline);
      const fraction = total > 0 ? Math.max(0, Math.min(1, left / total)) : 0;
      const bar = this.dom.bar && this.dom.bar.firstChild;
      if (bar) {
        bar.style.width = `${(fraction * 100).toFixed(1)}%`;
        this.dom.bar.classList.toggle('sbw-late', fraction < 0.25);
      }
    }

    viewDissuaded() {
      this.dom.body.appendChild(el('p', { class: 'sbw-dissuaded', text: this.t('dissuaded') }));
      this.viewLeadForm(this.lead || { name: this.customerName() });
    }

    viewDone() {
      this.dom.body.append(el('p', { class: 'sbw-done', text: this.t('lead_thanks') }),
        el('div', { class: 'sbw-actions' }, el('button', { type: 'button', class: 'sbw-secondary',
          text: this.t('new_conversation'), onclick: () => this.newConversation() })));
    }

    viewEnded() {
      if (this.transcript.length) {
        const log = el('ol', { class: 'sbw-log', 'aria-label': this.t('transcript'), tabindex: '0' });
        for (const entry of this.transcript) log.appendChild(this.entryNode(entry));
        this.dom.body.appendChild(log);
      }
      if (!this.notice) this.dom.body.appendChild(el('p', { class: 'sbw-ended', text: this.t('ended') }));
      this.dom.body.appendChild(el('div', { class: 'sbw-actions' }, el('button', {
        type: 'button', class: 'sbw-primary', text: this.t('new_conversation'), 'data-sbw-autofocus': true,
        onclick: () => this.newConversation() })));
    }

    newConversation() {
      this.transcript = [];
      this.lead = null;
      this.go('home');
    }

    /** A read-only summary for tests and for the site's own scripts. */
    state() {
      const c = this.contact;
      return {
        view: this.view, open: this.open, connection: this.connection || 'idle', language: this.language,
        contact: c ? { id: c.id, type: c.type, state: c.state, agent: c.agent || null, channels: c.channels || null,
          deadline: c.deadline ?? null } : null,
        seq: this.seq, chatClosed: this.chatClosed, agentTyping: Boolean(this.agentTyping), call: this.calls.state(),
        offered: this.offeredTypes(), notice: this.notice,
        transcript: this.transcript.map((e) => ({ k: e.k, from: e.from, text: e.text, url: e.url, seq: e.seq,
          state: e.state, name: e.name, size: e.size, translation: e.translation })),
        files: this.files.state(),
      };
    }
  }

  W.start = function start(config) {
    if (W.widget || W.starting) return;
    W.starting = true;
    const run = (capabilities) => {
      W.widget = new Widget(Object.assign({}, config, { capabilities }));
      W.widget.mount();
      W.state = () => W.widget.state();
      // A camera or microphone plugged in or out changes what the next visitor.hello tells.
      const devices = navigator.mediaDevices;
      if (devices && devices.addEventListener) {
        devices.addEventListener('devicechange', () => W.callCapabilities().then((c) => { W.widget.capabilities = c; }));
      }
    };
    // The real capabilities (microphone, camera) are known before the first visitor.hello.
    W.callCapabilities().then((capabilities) => {
      if (document.body) run(capabilities);
      else document.addEventListener('DOMContentLoaded', () => run(capabilities), { once: true });
    });
  };
})();
