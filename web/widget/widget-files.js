// Switchboard visitor widget: files both ways (docs/protocol.md, "Files").
//   - The visitor attaches a file (the paperclip button opens the browser's file picker); the widget checks it
//     against the limits of visitor.welcome ("files": max_bytes, types), then sends it with POST /files on the
//     server's HTTP origin, authorised by the visitor's id and secret, with a progress bar and Cancel.
//   - Every `file` event (the agent's files and the visitor's own) shows in the transcript as a link to its
//     download URL, which the server made for this visitor.
// Names come from people: they go into the page with textContent only, never as HTML.
(function () {
  'use strict';
  const W = (window.SwitchboardWidget = window.SwitchboardWidget || {});

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key === 'class') node.className = value;
      else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
      else if (key in node && typeof value !== 'string') node[key] = value;
      else node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  /** A paperclip drawn in SVG (no icon font or emoji needed). */
  function paperclip() {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', 'M16 7v9a4 4 0 0 1-8 0V6a2.5 2.5 0 0 1 5 0v9.5a1 1 0 0 1-2 0V7');
    svg.appendChild(path);
    return svg;
  }

  /** The server's HTTP origin from its WebSocket URL (ws: -> http:, wss: -> https:). */
  function httpOrigin(server) {
    try {
      const u = new URL(server, location.href);
      u.protocol = u.protocol === 'wss:' ? 'https:' : u.protocol === 'ws:' ? 'http:' : u.protocol;
      return u.origin;
    } catch (e) {
      return location.origin;
    }
  }

  /** "812 bytes", "1.5 KB", "12.4 MB" (1 KB = 1024 bytes), as the console writes sizes (core/uploads.cpp). */
  function formatBytes(n) {
    if (n < 1024) return `${n} ${n === 1 ? 'byte' : 'bytes'}`;
    const units = ['KB', 'MB', 'GB', 'TB'];
    let v = n / 1024;
    let u = 0;
    while (v >= 1024 && u < units.length - 1) { v /= 1024; u += 1; }
    const text = v < 100 ? v.toFixed(1).replace(/\.0$/, '') : String(Math.round(v));
    return `${text} ${units[u]}`;
  }

  /** Whether a MIME type is one of `types` ("type/subtype", or "type/*"). */
  function typeAllowed(types, type) {
    const t = String(type || '').split(';')[0].trim().toLowerCase();
    const slash = t.indexOf('/');
    if (slash <= 0 || slash === t.length - 1) return false;
    return (types || []).some((a) => a === t || (a.endsWith('/*') && a.slice(0, -1) === t.slice(0, slash + 1)));
  }

  class FileController {
    constructor(widget) {
      this.w = widget;
      this.limits = null; // {max_bytes, types} from visitor.welcome
      this.upload = null; // {name, size, sent, error, xhr}
      this.dom = {};
    }

    setLimits(files) {
      this.limits = files && typeof files.max_bytes === 'number' && files.max_bytes > 0 ? files : null;
      this.update();
    }

    // --- the transcript ---

    onEvent(ev, live) {
      const f = ev.file || {};
      this.w.addEntry({ k: 'file', from: ev.from, author: ev.author || '', name: String(f.name ?? ''),
        size: Number(f.size) || 0, url: f.url || '', seq: ev.seq });
      if (live && ev.from === 'agent') {
        this.w.announce(this.w.t('file_sent_by', { name: this.w.agentName() }) + ' ' + String(f.name ?? ''));
      }
    }

    entryNode(entry) {
      const t = this.w.t;
      const mine = entry.from === 'visitor';
      let href = null;
      try { href = entry.url ? new URL(entry.url, httpOrigin(this.w.config.server) + '/').href : null; } catch (e) { href = null; }
      const label = `${entry.name} (${formatBytes(entry.size || 0)})`;
      return el('li', { class: `sbw-entry sbw-file ${mine ? 'sbw-from-visitor' : 'sbw-from-agent'}`,
        'data-entry': entry.id, 'data-seq': String(entry.seq || '') },
      el('span', { class: 'sbw-author', text: mine ? t('file_you_sent') : t('file_sent_by', { name: entry.author || t('agent') }) }),
      ' ',
      href ? el('a', { class: 'sbw-file-link', href, target: '_blank', rel: 'noopener', download: entry.name, text: label })
        : el('span', { text: label }));
    }

    // --- the composer's attach button, its limit and the upload's line ---

    controls() {
      const t = this.w.t;
      const id = `sbw-file-${Math.random().toString(36).slice(2, 8)}`;
      this.dom.input = el('input', { id, type: 'file', class: 'sbw-file-input', tabindex: '-1',
        onchange: () => this.picked() });
      this.dom.button = el('button', { type: 'button', class: 'sbw-attach', 'aria-label': t('attach'), title: t('attach'),
        'aria-controls': id, onclick: () => this.dom.input.click() }, paperclip());
      this.dom.hint = el('span', { class: 'sbw-file-hint' });
      this.dom.status = el('div', { class: 'sbw-upload', role: 'status' });
      const box = el('div', { class: 'sbw-files' },
        el('label', { for: id, class: 'sbw-visually-hidden', text: t('attach') }), this.dom.input, this.dom.button,
        this.dom.hint, this.dom.status);
      this.update();
      return box;
    }

    /** Enables the button while an agent holds the contact, and redraws the limit and the upload's line. */
    update() {
      if (!this.dom.button || !this.dom.button.isConnected) return;
      const t = this.w.t;
      const c = this.w.contact;
      const usable = Boolean(this.limits && c && c.state === 'assigned');
      this.dom.button.disabled = !usable || Boolean(this.upload && !this.upload.error);
      this.dom.hint.textContent = this.limits ? t('attach_hint', { size: formatBytes(this.limits.max_bytes) }) : '';
      const u = this.upload;
      if (!u) {
        this.dom.status.replaceChildren();
        return;
      }
      if (u.error) {
        this.dom.status.replaceChildren(el('p', { class: 'sbw-upload-error', role: 'alert', text: u.error }),
          el('button', { type: 'button', class: 'sbw-secondary sbw-upload-dismiss', text: t('close'),
            onclick: () => { this.upload = null; this.update(); } }));
        return;
      }
      const percent = u.size > 0 ? Math.min(100, Math.round((u.sent / u.size) * 100)) : 0;
      this.dom.status.replaceChildren(
        el('span', { class: 'sbw-upload-text', text: t('uploading', { name: u.name, percent }) }),
        el('progress', { class: 'sbw-upload-bar', max: 100, value: percent, 'aria-label': u.name }),
        el('button', { type: 'button', class: 'sbw-secondary sbw-upload-cancel', text: t('cancel_upload'),
          onclick: () => this.cancel() }));
    }

    picked() {
      const file = this.dom.input.files && this.dom.input.files[0];
      this.dom.input.value = '';
      if (!file) return;
      const t = this.w.t;
      const limits = this.limits;
      let error = '';
      if (!limits) error = t('upload_failed');
      else if (file.size === 0) error = t('file_empty', { name: file.name });
      else if (file.size > limits.max_bytes) {
        let size = formatBytes(file.size);
        let limit = formatBytes(limits.max_bytes);
        if (size === limit) { size = `${file.size} bytes`; limit = `${limits.max_bytes} bytes`; } // just over
        error = t('file_too_large', { name: file.name, size, limit });
      } else if (!typeAllowed(limits.types, file.type)) error = t('file_type');
      if (error) {
        this.upload = { name: file.name, size: file.size, sent: 0, error };
        this.update();
        return;
      }
      this.send(file);
    }

    send(file) {
      const c = this.w.contact;
      const v = this.w.visitor();
      if (!c || !v.id || !v.secret) return;
      const xhr = new XMLHttpRequest();
      const u = { name: file.name, size: file.size, sent: 0, error: '', xhr };
      this.upload = u;
      xhr.open('POST', `${httpOrigin(this.w.config.server)}/files?contact=${encodeURIComponent(c.id)}`);
      xhr.setRequestHeader('Authorization', `Visitor ${v.id}:${v.secret}`);
      xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name));
      if (file.type) xhr.setRequestHeader('Content-Type', file.type);
      xhr.upload.onprogress = (e) => {
        if (this.upload !== u) return;
        u.sent = e.loaded;
        this.update();
      };
      const done = (status, body) => {
        if (this.upload !== u) return; // cancelled or replaced
        if (status === 201) {
          this.upload = null; // the `file` event puts it in the transcript
        } else {
          let code = '';
          try { code = JSON.parse(body).code || ''; } catch (e) { code = ''; }
          const t = this.w.t;
          u.error = code === 'too_large' && this.limits
            ? t('file_too_large', { name: u.name, size: formatBytes(u.size), limit: formatBytes(this.limits.max_bytes) })
            : code === 'type_not_allowed' ? t('file_type') : t('upload_failed');
        }
        this.update();
      };
      xhr.onload = () => done(xhr.status, xhr.responseText || '');
      xhr.onerror = () => done(0, '');
      xhr.ontimeout = () => done(0, '');
      xhr.send(file);
      this.update();
    }

    cancel() {
      const u = this.upload;
      this.upload = null;
      if (u && u.xhr) u.xhr.abort();
      this.update();
    }

    contactEnded() {
      this.cancel();
    }

    /** For W.state(): the limits and the upload going on (or why the last one failed). */
    state() {
      const u = this.upload;
      return {
        maxBytes: this.limits ? this.limits.max_bytes : 0,
        upload: u ? { name: u.name, size: u.size, sent: u.sent, error: u.error } : null,
      };
    }
  }

  W.FileController = FileController;
  W.files = { httpOrigin, formatBytes, typeAllowed };
})();
