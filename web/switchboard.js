// Switchboard console embedding API:
//   const consoleInstance = Switchboard.mount(element, {server: 'wss://host/ws', token: optionalSessionToken});
// The console fills the element, follows its size and devicePixelRatio, and works inside an iframe.
// The returned instance is also the automation bridge used by tests:
//   instance.ready, instance.whenReady (Promise), instance.state(), instance.locate(name), instance.unmount(),
//   instance.alerts ({sound, desktop, last}: the notifications this page performed).
(function () {
  'use strict';

  const scriptBase = (function () {
    const s = document.currentScript;
    return s ? s.src.replace(/[^/]*$/, '') : '';
  })();
  let factoryPromise = null;
  let instances = 0;

  function loadFactory(base) {
    if (window.createSwitchboardConsole) return Promise.resolve(window.createSwitchboardConsole);
    if (!factoryPromise) {
      factoryPromise = new Promise((resolve, reject) => {
        const tag = document.createElement('script');
        tag.src = base + 'switchboard-console.js';
        tag.onload = () => resolve(window.createSwitchboardConsole);
        tag.onerror = () => reject(new Error('cannot load ' + tag.src));
        document.head.appendChild(tag);
      });
    }
    return factoryPromise;
  }

  async function fetchBytes(url) {
    const r = await fetch(url);
    if (!r.ok) throw new Error('cannot load ' + url + ': HTTP ' + r.status);
    return new Uint8Array(await r.arrayBuffer());
  }

  // Notification settings, kept in localStorage (which may be unavailable: sandboxed iframe, privacy modes).
  const SETTINGS_KEY = 'switchboard.notifications';
  function loadSettings() {
    try {
      const v = JSON.parse(localStorage.getItem(SETTINGS_KEY) || 'null');
      if (v && typeof v === 'object') return { sound: v.sound !== false, desktop: v.desktop !== false };
    } catch {}
    return { sound: true, desktop: true };
  }
  function saveSettings(v) {
    try { localStorage.setItem(SETTINGS_KEY, JSON.stringify(v)); } catch {}
  }

  // The alert sound: a short two-tone beep made with WebAudio (no audio file). The AudioContext is created on
  // the first user gesture, as browsers only let a page start audio after one.
  let audio = null;
  function unlockAudio() {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return null;
    try {
      if (!audio) audio = new AC();
      if (audio.state === 'suspended') audio.resume().catch(() => {});
    } catch { audio = null; }
    return audio;
  }
  function beep(kind) {
    const ctx = unlockAudio();
    if (!ctx) return false;
    const tones = kind === 'message' ? [988, 740] : [660, 880]; // a message falls, a contact rises
    const t0 = ctx.currentTime + 0.01;
    tones.forEach((hz, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      const at = t0 + i * 0.16;
      osc.type = 'sine';
      osc.frequency.value = hz;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.14);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.15);
    });
    return true;
  }
  function desktopNotify(kind, title, body) {
    const N = window.Notification;
    if (!N || N.permission !== 'granted') return false;
    try {
      const n = new N(title, { body, tag: 'switchboard-' + kind, renotify: true, silent: true });
      n.onclick = () => { window.focus(); n.close(); };
      return true;
    } catch {
      try { new N(title, { body }); return true; } catch { return false; }
    }
  }

  function defaultServer() {
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
  }

  function mount(element, options) {
    const opts = Object.assign({ server: defaultServer(), token: '', base: scriptBase }, options || {});
    const assets = opts.assets || new URL('../assets/fonts/', opts.base || location.href).href;
    const id = 'switchboard-console-' + ++instances;

    // DOM: the canvas ImGui draws into, a hidden textarea that receives text (IME, dead keys, paste),
    // and an aria-live region mirroring what a screen reader user must hear.
    if (getComputedStyle(element).position === 'static') element.style.position = 'relative';
    const canvas = document.createElement('canvas');
    canvas.id = id;
    canvas.tabIndex = 0;
    canvas.setAttribute('aria-label', 'Switchboard agent console');
    canvas.style.cssText = 'position:absolute;inset:0;width:100%;height:100%;display:block;outline:none;touch-action:none';
    const text = document.createElement('textarea');
    text.setAttribute('aria-hidden', 'true');
    text.autocomplete = 'off';
    text.spellcheck = false;
    text.style.cssText = 'position:absolute;left:0;top:0;width:1px;height:1px;opacity:0;border:0;padding:0;resize:none;pointer-events:none';
    const live = document.createElement('div');
    live.setAttribute('aria-live', 'polite');
    live.style.cssText = 'position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)';
    element.appendChild(canvas);
    element.appendChild(text);
    element.appendChild(live);

    let Module = null;
    let framePending = false;
    let wantText = false;
    let readyResolve;
    const listeners = [];
    const on = (target, type, fn, o) => {
      target.addEventListener(type, fn, o);
      listeners.push(() => target.removeEventListener(type, fn, o));
    };

    let frameTimer = 0; // at most one timed frame (countdowns, clocks) is scheduled at a time
    const host = {
      // sb_frame returns 0 for "another frame now", a delay in ms for "a frame then", -1 for "none".
      requestFrame() {
        if (frameTimer) {
          clearTimeout(frameTimer);
          frameTimer = 0;
        }
        if (framePending || !Module) return;
        framePending = true;
        requestAnimationFrame((t) => {
          framePending = false;
          const next = Module._sb_frame(t);
          if (next === 0) host.requestFrame();
          else if (next > 0) frameTimer = setTimeout(() => { frameTimer = 0; host.requestFrame(); }, next);
        });
      },
      openUrl(url) {
        if (/^https?:\/\//i.test(url)) window.open(url, '_blank', 'noopener');
      },
      announce(text) {
        live.textContent = text;
      },
      // An alert decided by the console (src/core/notify.h): beep and / or desktop notification.
      notify(kind, title, body, sound, desktop) {
        instance.alerts.last = kind;
        if (sound && beep(kind)) instance.alerts.sound++;
        if (desktop && desktopNotify(kind, title, body)) instance.alerts.desktop++;
      },
      saveSettings(v) {
        saveSettings(v);
      },
      // Called while handling a click or key of the agent (a user gesture), as browsers require.
      askPermission() {
        const N = window.Notification;
        if (!N || N.permission !== 'default' || !N.requestPermission) return;
        try {
          const p = N.requestPermission();
          if (p && p.catch) p.catch(() => {});
        } catch {}
      },
      ready() {
        instance.ready = true;
        readyResolve(instance);
      },
      setTextInput(want) {
        wantText = want;
        if (want && document.activeElement !== text) text.focus({ preventScroll: true });
        else if (!want && document.activeElement === text) canvas.focus({ preventScroll: true });
      },
      setClipboard(value) {
        if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(value).catch(() => {});
      },
    };

    const instance = {
      ready: false,
      alerts: { sound: 0, desktop: 0, last: null },
      whenReady: new Promise((r) => (readyResolve = r)),
      state() {
        return Module ? JSON.parse(Module.ccall('sb_state_json', 'string', [], [])) : null;
      },
      locate(name) {
        if (!Module) return null;
        const r = JSON.parse(Module.ccall('sb_locate_json', 'string', ['string'], [name]));
        if (!r) return null;
        const c = canvas.getBoundingClientRect();
        return { x: c.left + r.x, y: c.top + r.y, w: r.w, h: r.h };
      },
      unmount() {
        if (Module) Module._sb_stop(); // closes the connection; no more frames or reconnects
        if (frameTimer) clearTimeout(frameTimer);
        listeners.splice(0).forEach((off) => off());
        element.removeChild(canvas);
        element.removeChild(text);
        element.removeChild(live);
      },
      element: canvas,
    };

    function resize() {
      const r = canvas.getBoundingClientRect();
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.max(1, Math.round(r.width * ratio));
      canvas.height = Math.max(1, Math.round(r.height * ratio));
      if (Module) Module._sb_resize(r.width, r.height, ratio);
    }

    function mods(e) {
      return (e.ctrlKey ? 1 : 0) | (e.shiftKey ? 2 : 0) | (e.altKey ? 4 : 0) | (e.metaKey ? 8 : 0);
    }

    function attachInput() {
      const pos = (e) => {
        const r = canvas.getBoundingClientRect();
        Module._sb_mouse_pos(e.clientX - r.left, e.clientY - r.top);
      };
      const button = (b) => (b === 1 ? 2 : b === 2 ? 1 : b); // DOM middle/right -> ImGui right/middle
      on(canvas, 'pointermove', pos);
      on(canvas, 'pointerdown', (e) => {
        unlockAudio();
        pos(e);
        if (!wantText) canvas.focus({ preventScroll: true });
        canvas.setPointerCapture(e.pointerId);
        Module._sb_mouse_button(button(e.button), 1);
        e.preventDefault();
      });
      on(canvas, 'pointerup', (e) => {
        pos(e);
        Module._sb_mouse_button(button(e.button), 0);
      });
      on(canvas, 'pointerleave', () => Module._sb_mouse_pos(-Number.MAX_VALUE, -Number.MAX_VALUE));
      on(canvas, 'contextmenu', (e) => e.preventDefault());
      on(canvas, 'wheel', (e) => {
        const unit = e.deltaMode === 1 ? 1 / 3 : e.deltaMode === 2 ? 3 : 1 / 100;
        Module._sb_wheel(-e.deltaX * unit, -e.deltaY * unit);
        e.preventDefault();
      }, { passive: false });

      const key = (down) => (e) => {
        if (e.isComposing) return;
        if (down) unlockAudio(); // a user gesture: audio may start from now on
        const prevent = Module.ccall('sb_key', 'number', ['string', 'number', 'number'], [e.code, down ? 1 : 0, mods(e)]);
        // A console shortcut (Alt+N, F1, ...): neither the browser's nor text.
        if (prevent && (e.altKey || e.code === 'F1')) {
          e.preventDefault();
          return;
        }
        // Typed before the hidden textarea got focus (e.g. right after a click): send the character directly.
        if (down && e.target === canvas && e.key.length === 1 && !e.ctrlKey && !e.metaKey) {
          Module.ccall('sb_text', null, ['string'], [e.key]);
          e.preventDefault();
          return;
        }
        if (prevent) e.preventDefault();
      };
      for (const target of [canvas, text]) {
        on(target, 'keydown', key(true));
        on(target, 'keyup', key(false));
        on(target, 'focus', () => Module._sb_focus(1));
        on(target, 'blur', () => Module._sb_focus(0));
      }
      const flushText = () => {
        const v = text.value;
        text.value = '';
        if (v) Module.ccall('sb_text', null, ['string'], [v]);
      };
      on(text, 'input', (e) => { if (!e.isComposing) flushText(); });
      on(text, 'compositionend', flushText);
      on(text, 'paste', (e) => {
        const v = e.clipboardData && e.clipboardData.getData('text');
        if (v) Module.ccall('sb_text', null, ['string'], [v]);
        e.preventDefault();
      });

      const visibility = () => Module._sb_visibility(document.visibilityState === 'hidden' ? 0 : 1);
      on(document, 'visibilitychange', visibility);
      visibility();

      if (window.ResizeObserver) {
        const ro = new ResizeObserver(resize);
        ro.observe(canvas);
        listeners.push(() => ro.disconnect());
      } else {
        on(window, 'resize', resize);
      }
      // devicePixelRatio changes (browser zoom, moving to another screen) do not resize the element.
      const watchRatio = () => {
        const mq = matchMedia('(resolution: ' + (window.devicePixelRatio || 1) + 'dppx)');
        const change = () => { resize(); watchRatio(); };
        mq.addEventListener('change', change, { once: true });
      };
      watchRatio();
    }

    (async () => {
      const [factory, textFont, iconFont] = await Promise.all([
        loadFactory(opts.base),
        fetchBytes(assets + 'DejaVuSans.ttf'),
        fetchBytes(assets + 'fa-solid-900.ttf'),
      ]);
      Module = await factory({
        sbHost: host,
        canvas,
        locateFile: (path) => opts.base + path,
        print: (t) => console.log(t),
        printErr: (t) => console.warn(t),
      });
      [textFont, iconFont].forEach((bytes, kind) => {
        const p = Module._malloc(bytes.length);
        Module.HEAPU8.set(bytes, p);
        Module._sb_add_font(kind, p, bytes.length);
        Module._free(p);
      });
      if (!Module.ccall('sb_start', 'number', ['string', 'string', 'string'], [opts.server, '#' + id, opts.token || ''])) {
        throw new Error('WebGL2 is not available in this browser');
      }
      const settings = loadSettings();
      Module._sb_set_notify(settings.sound ? 1 : 0, settings.desktop ? 1 : 0);
      attachInput();
      resize();
      host.requestFrame();
    })().catch((err) => {
      instance.error = String(err && err.message ? err.message : err);
      console.error('Switchboard console:', err);
      live.textContent = 'The console could not start: ' + instance.error;
    });

    return instance;
  }

  window.Switchboard = { mount };
})();
