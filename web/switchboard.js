// Switchboard console embedding API:
//   const consoleInstance = Switchboard.mount(element, {server: 'wss://host/ws', token: optionalSessionToken});
// The console fills the element, follows its size and devicePixelRatio, and works inside an iframe.
// The returned instance is also the automation bridge used by tests:
//   instance.ready, instance.whenReady (Promise), instance.state(), instance.locate(name), instance.unmount(),
//   instance.alerts ({sound, desktop, last}: the notifications this page performed),
//   instance.calls() (the calls running here: frames drawn, video sizes), instance.callStats(contact),
//   instance.frames() (console frames drawn and their times in sb_frame), instance.theme() ('light' | 'dark'),
//   instance.flags() (the country flags the console asked for, by code), instance.hasGlyph(codepoint).
// Calls use the shared call engine web/media/call.js (window.SwitchboardCall), loaded by mount().
(function () {
  'use strict';

  const scriptBase = (function () {
    const s = document.currentScript;
    return s ? s.src.replace(/[^/]*$/, '') : '';
  })();
  let factoryPromise = null;
  let callEnginePromise = null;
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

  // The call engine (a classic script defining window.SwitchboardCall). Without it the console still works;
  // its calls fail as 'unsupported'.
  function loadCallEngine(url) {
    if (window.SwitchboardCall) return Promise.resolve(true);
    if (!callEnginePromise) {
      callEnginePromise = new Promise((resolve) => {
        const tag = document.createElement('script');
        tag.src = url;
        tag.onload = () => resolve(Boolean(window.SwitchboardCall));
        tag.onerror = () => resolve(false);
        document.head.appendChild(tag);
      });
    }
    return callEnginePromise;
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
  // The theme the agent chose in the settings popup ('light' or 'dark'); the mount option `theme` until then.
  const THEME_KEY = 'switchboard.theme';
  function loadTheme(fallback) {
    try {
      const v = localStorage.getItem(THEME_KEY);
      if (v === 'dark' || v === 'light') return v;
    } catch {}
    return fallback === 'dark' ? 'dark' : 'light';
  }
  function saveTheme(dark) {
    try { localStorage.setItem(THEME_KEY, dark ? 'dark' : 'light'); } catch {}
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
    // A message falls, a contact rises, a call rings (three short double tones).
    const tones = kind === 'message' ? [988, 740] : kind === 'call' ? [784, 659, 784, 659, 784, 659] : [660, 880];
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

  // The server's HTTP origin, from its WebSocket URL (ws: -> http:, wss: -> https:): file uploads go there,
  // and the download links the server sends (paths like /files/...) are resolved against it.
  function httpOrigin(server) {
    try {
      const u = new URL(server, location.href);
      u.protocol = u.protocol === 'wss:' ? 'https:' : u.protocol === 'ws:' ? 'http:' : u.protocol;
      return u.origin;
    } catch {
      return location.origin;
    }
  }

  // File uploads for the console (docs/protocol.md, "Files"): a hidden file input opened by the upload tool,
  // then POST /files with the agent's token, progress reported to the console (sb_upload_progress). One upload
  // per contact at a time; the console checks the limits before it asks for the upload.
  function fileUploads(element, origin, module) {
    const input = document.createElement('input');
    input.type = 'file';
    input.tabIndex = -1;
    input.setAttribute('aria-hidden', 'true');
    input.setAttribute('data-switchboard-file', '');
    input.style.cssText = 'position:absolute;left:0;top:0;width:1px;height:1px;opacity:0;pointer-events:none';
    element.appendChild(input);
    let picking = '';
    const chosen = new Map(); // contact -> File
    const running = new Map(); // contact -> XMLHttpRequest
    input.addEventListener('change', () => {
      const file = input.files && input.files[0];
      const contact = picking;
      input.value = '';
      if (!file || !contact || !module()) return;
      chosen.set(contact, file);
      module().ccall('sb_file_chosen', null, ['string', 'string', 'number', 'string'],
        [contact, file.name, file.size, file.type || '']);
    });
    const report = (name, types, args) => { if (module()) module().ccall(name, null, types, args); };
    return {
      pick(contact) {
        picking = contact;
        input.click();
      },
      upload(contact, token) {
        const file = chosen.get(contact);
        chosen.delete(contact);
        if (!file) return report('sb_upload_done', ['string', 'number', 'string'], [contact, 0, '']);
        const xhr = new XMLHttpRequest();
        running.set(contact, xhr);
        xhr.open('POST', origin + '/files?contact=' + encodeURIComponent(contact));
        xhr.setRequestHeader('Authorization', 'Bearer ' + token);
        xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name));
        if (file.type) xhr.setRequestHeader('Content-Type', file.type);
        xhr.upload.onprogress = (e) => report('sb_upload_progress', ['string', 'number'], [contact, e.loaded]);
        const done = (status, body) => {
          if (running.get(contact) !== xhr) return; // cancelled
          running.delete(contact);
          report('sb_upload_done', ['string', 'number', 'string'], [contact, status, body]);
        };
        xhr.onload = () => done(xhr.status, xhr.responseText || '');
        xhr.onerror = () => done(0, '');
        xhr.ontimeout = () => done(0, '');
        xhr.send(file);
      },
      cancel(contact) {
        const xhr = running.get(contact);
        running.delete(contact);
        if (xhr) xhr.abort();
      },
      dispose() {
        for (const xhr of running.values()) xhr.abort();
        running.clear();
        input.remove();
      },
    };
  }

  function defaultServer() {
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
  }

  function mount(element, options) {
    const opts = Object.assign({ server: defaultServer(), token: '', base: scriptBase }, options || {});
    const assets = opts.assets || new URL('../assets/fonts/', opts.base || location.href).href;
    const callEngine = opts.media || new URL('../media/call.js', opts.base || location.href).href;
    const flagsBase = opts.flags || new URL('flags/', opts.base || location.href).href;
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
    // The calls' streams play in small transparent <video> elements (the visitor's one plays the sound); the
    // console draws their frames from GL textures.
    const mediaBox = document.createElement('div');
    mediaBox.setAttribute('aria-hidden', 'true');
    mediaBox.style.cssText = 'position:absolute;left:0;top:0;width:2px;height:2px;opacity:0;pointer-events:none';
    element.appendChild(canvas);
    element.appendChild(text);
    element.appendChild(live);
    element.appendChild(mediaBox);

    let Module = null;
    const origin = httpOrigin(opts.server);
    const files = fileUploads(element, origin, () => Module);
    let framePending = false;
    let wantText = false;
    let readyResolve;
    const listeners = [];
    const on = (target, type, fn, o) => {
      target.addEventListener(type, fn, o);
      listeners.push(() => target.removeEventListener(type, fn, o));
    };

    // Calls: one SwitchboardCall per contact (started and ended by the console), and its two videos.
    const calls = new Map(); // contact id -> {call, videos: [remote, local], frames, ...}
    const report = (name, contact, ...args) => {
      if (!Module || Module.sbStopped) return 0;
      return Module.ccall(name, 'number', ['string', ...args.map((a) => (typeof a === 'string' ? 'string' : 'number'))],
        [contact, ...args]);
    };
    // Uploads each new frame of a call's video into the console's texture (and wakes it for one frame):
    // at every video frame with requestVideoFrameCallback, else on a timer while the video plays.
    function watchVideo(rec, which) {
      if (rec.watching[which]) return;
      rec.watching[which] = true;
      const video = rec.videos[which];
      const tick = () => {
        rec.pending[which] = null;
        if (rec.ended) return;
        if (video.videoWidth > 0 && video.readyState >= 2 &&
            report('sb_video_frame', rec.contact, which, video.videoWidth, video.videoHeight)) {
          rec.frames[which]++;
          rec.sizes[which] = { width: video.videoWidth, height: video.videoHeight };
        }
        next();
      };
      const next = () => {
        if (rec.ended) return;
        if (video.requestVideoFrameCallback) {
          rec.pending[which] = { rvfc: video.requestVideoFrameCallback(tick) };
        } else if (!video.paused && !video.ended) {
          rec.pending[which] = { timer: setTimeout(tick, 33) };
        } else {
          const resume = () => { if (rec.pending[which] && rec.pending[which].resume === resume) tick(); };
          rec.pending[which] = { resume };
          video.addEventListener('playing', resume, { once: true });
        }
      };
      next();
    }
    function showStream(rec, which, stream) {
      const video = rec.videos[which];
      if (video.srcObject !== stream) video.srcObject = stream;
      const played = video.play();
      if (played && played.catch) played.catch(() => {});
      if (stream.getVideoTracks().length > 0) watchVideo(rec, which);
      for (const track of stream.getVideoTracks()) {
        if (track.sbWatched) continue;
        track.sbWatched = true;
        track.addEventListener('ended', () => { if (!rec.ended) report('sb_video_gone', rec.contact, which); });
      }
    }
    function endCall(contact) {
      const rec = calls.get(contact);
      if (!rec) return;
      rec.ended = true;
      calls.delete(contact);
      rec.pending.forEach((p, which) => {
        if (!p) return;
        if (p.rvfc !== undefined && rec.videos[which].cancelVideoFrameCallback) rec.videos[which].cancelVideoFrameCallback(p.rvfc);
        if (p.timer) clearTimeout(p.timer);
      });
      if (rec.call) rec.call.hangup();
      for (const video of rec.videos) {
        video.pause();
        video.srcObject = null;
        video.remove();
      }
    }

    // Country flags: an image per code the console draws (web_flags.cpp asks once per code), kept until the
    // console has copied it into its texture. Only two lower-case letters make a file name: nothing else is fetched.
    const flagImages = new Map();
    function loadFlag(code) {
      if (!/^[a-z]{2}$/.test(code)) {
        Promise.resolve().then(() => report('sb_flag_missing', code));
        return;
      }
      const image = new Image();
      image.crossOrigin = 'anonymous'; // from another origin it must come with CORS to go into WebGL
      image.onload = () => {
        flagImages.set(code, image);
        report('sb_flag_loaded', code, image.naturalWidth, image.naturalHeight);
        flagImages.delete(code);
      };
      image.onerror = () => report('sb_flag_missing', code);
      image.src = flagsBase + code + '.png';
    }

    let frameTimer = 0; // at most one timed frame (countdowns, clocks) is scheduled at a time
    // Frames drawn since mount, when the first one ended, and the time (ms) each of the latest 4096 took in
    // sb_frame: instance.frames().
    const frameLog = { count: 0, first: null, times: new Float64Array(4096) };
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
          const start = performance.now();
          const next = Module._sb_frame(t);
          const end = performance.now();
          if (frameLog.count === 0) frameLog.first = end;
          frameLog.times[frameLog.count++ % frameLog.times.length] = end - start;
          if (next === 0) host.requestFrame();
          else if (next > 0) frameTimer = setTimeout(() => { frameTimer = 0; host.requestFrame(); }, next);
        });
      },
      openUrl(url) {
        let target; // a pushed link, or a file's download link (a path on the server)
        try { target = new URL(url, origin + '/'); } catch { return; }
        if (target.protocol === 'http:' || target.protocol === 'https:') window.open(target.href, '_blank', 'noopener');
      },
      pickFile(contact) { files.pick(contact); },
      uploadFile(contact, token) { files.upload(contact, token); },
      cancelUpload(contact) { files.cancel(contact); },
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
      saveTheme(dark) {
        saveTheme(dark);
      },
      loadFlag(code) { loadFlag(code); },
      // Emoji (monochrome, Symbola) for texts that have some: most agents never download them.
      loadEmojiFont() {
        fetchBytes(assets + 'emoji.ttf').then((bytes) => {
          if (!Module || Module.sbStopped) return;
          const p = Module._malloc(bytes.length);
          Module.HEAPU8.set(bytes, p);
          Module._sb_add_font(2, p, bytes.length);
          Module._free(p);
        }).catch((e) => console.warn(`switchboard: no emoji font (${e.message}); emoji show as "?"`));
      },
      flagImage(code) { return flagImages.get(code) || null; },
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
      // A call of a contact starts (accepted, in this console): {initiator, sendVideo, receiveVideo}, and the
      // RTCPeerConnection's {iceServers, iceTransportPolicy}. The engine's reports reach the console later,
      // never from inside this call.
      callStart(contact, o, ice) {
        endCall(contact);
        const videos = [0, 1].map((which) => {
          const v = document.createElement('video');
          v.autoplay = true;
          v.playsInline = true;
          v.muted = which === 1; // the agent's own preview is silent; the visitor's video plays the sound
          v.style.cssText = 'position:absolute;left:0;top:0;width:2px;height:2px';
          mediaBox.appendChild(v);
          return v;
        });
        const rec = {
          contact, videos, call: null, ended: false, connected: false, failure: null,
          frames: [0, 0], sizes: [null, null], watching: [false, false], pending: [null, null],
        };
        calls.set(contact, rec);
        const later = (fn) => (...args) => Promise.resolve().then(() => { if (!rec.ended) fn(...args); });
        const Engine = window.SwitchboardCall;
        if (typeof Engine !== 'function') {
          rec.failure = 'unsupported';
          later(() => report('sb_call_failed', contact, 'unsupported'))();
          return;
        }
        rec.call = new Engine({
          iceServers: ice.iceServers || [],
          iceTransportPolicy: ice.iceTransportPolicy,
          sendSignal: later((signal) => report('sb_call_signal', contact, JSON.stringify(signal))),
          onLocalStream: later((stream) => showStream(rec, 1, stream)),
          onRemoteStream: later((stream) => showStream(rec, 0, stream)),
          onConnected: later(() => {
            rec.connected = true;
            report('sb_call_connected', contact);
          }),
          onFailed: later((reason) => {
            rec.failure = reason;
            report('sb_call_failed', contact, String(reason));
          }),
        });
        rec.call.start({ initiator: o.initiator, audio: true, video: o.sendVideo, receiveVideo: o.receiveVideo });
      },
      callSignal(contact, signal) {
        const rec = calls.get(contact);
        if (rec && rec.call) rec.call.handleSignal(signal);
      },
      callMute(contact, muted) {
        const rec = calls.get(contact);
        if (rec && rec.call) rec.call.setMuted(muted);
      },
      callHangup(contact) {
        endCall(contact);
      },
      videoElement(contact, which) {
        const rec = calls.get(contact);
        return rec ? rec.videos[which] || null : null;
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
      // The calls running in this console: {contact: {connected, failure, muted, frames: {remote, local}
      // (video frames drawn), video: {remote, local} ({width, height} or null)}}.
      calls() {
        const out = {};
        for (const [contact, rec] of calls) {
          out[contact] = {
            connected: rec.connected, failure: rec.failure, muted: Boolean(rec.call && rec.call.muted),
            frames: { remote: rec.frames[0], local: rec.frames[1] },
            video: { remote: rec.sizes[0], local: rec.sizes[1] },
          };
        }
        return out;
      },
      // Frames drawn: {count (since mount), first (performance.now() when the first frame ended, or null),
      // times: ms in sb_frame of the latest min(count, 4096) frames, oldest first}. Read by bench/console (idle
      // frames, frame time, first frame).
      frames() {
        const n = Math.min(frameLog.count, frameLog.times.length);
        const times = [];
        for (let i = frameLog.count - n; i < frameLog.count; i++) times.push(frameLog.times[i % frameLog.times.length]);
        return { count: frameLog.count, first: frameLog.first, times };
      },
      // The theme in use: 'light' or 'dark' (null before the console started).
      theme() {
        return Module && !Module.sbStopped ? (Module._sb_theme() ? 'dark' : 'light') : null;
      },
      // Whether the console's font can draw a code point (e.g. 0x1F642 once the emoji font has come).
      hasGlyph(codepoint) {
        return Module && !Module.sbStopped ? Module._sb_has_glyph(codepoint) === 1 : false;
      },
      // The country flags the console asked for, by lower-case code: {state: 'loading' | 'ready' | 'missing'},
      // with {texture, width, height} once ready (the GL texture the console draws it from).
      flags() {
        return Module ? JSON.parse(Module.ccall('sb_flags_json', 'string', [], [])) : {};
      },
      // The WebRTC figures of a contact's call (SwitchboardCall.stats(): framesDecoded, framesSent,
      // bytesReceived, connectionState, candidate types), or null when no call runs for it here.
      async callStats(contact) {
        const rec = calls.get(contact);
        return rec && rec.call ? rec.call.stats() : null;
      },
      unmount() {
        for (const contact of [...calls.keys()]) endCall(contact);
        if (Module) {
          Module._sb_stop(); // closes the connection; no more frames or reconnects
          Module.sbStopped = true;
        }
        if (frameTimer) clearTimeout(frameTimer);
        listeners.splice(0).forEach((off) => off());
        files.dispose();
        element.removeChild(canvas);
        element.removeChild(text);
        element.removeChild(live);
        element.removeChild(mediaBox);
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
        if (v) Module.ccall('sb_paste', null, ['string'], [v]); // ImGui pastes it (into the field being edited)
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
        loadCallEngine(callEngine), // before the first call; never fails the mount
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
      Module._sb_set_theme(loadTheme(opts.theme) === 'dark' ? 1 : 0);
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
