// Switchboard visitor widget: the visitor's side of a call (docs/protocol.md, "Calls"). Shows the agent's
// invitation (accept with video, voice only, refuse), runs the call with the shared engine /media/call.js
// (window.SwitchboardCall), and shows the agent's video, a small preview of the visitor's camera, a mute and
// a hang-up button. The call box lives beside the panel, so it stays when the visitor closes the chat.
//
// Who makes the WebRTC offer: the party whose contact.media offer was accepted. The agent's offers are
// answered here; for Call and Video Call contacts the visitor is the offerer (the server offers for the
// visitor when the agent claims) and the widget starts the call as initiator on the agent's `accept`.
//
// State kept in the browser: sessionStorage "switchboard-call": the contact id whose call this tab ran. A
// page cannot keep a call: the leaving page sends hangup, and a next page that still finds the call on the
// contact (the hangup was lost with the closing socket, as Firefox may do) sends it again.
(function () {
  'use strict';
  const W = (window.SwitchboardWidget = window.SwitchboardWidget || {});

  const CALL_KEY = 'switchboard-call';
  const CAPABILITIES_WAIT_MS = 2000; // a browser that never answers enumerateDevices: no calls
  const NONE = { voice: false, video: false };

  /** What this browser can do, for visitor.hello: WebRTC with a microphone (voice) and a camera (video). */
  W.callCapabilities = function callCapabilities() {
    const Call = window.SwitchboardCall;
    if (!Call) return Promise.resolve(NONE);
    let timer;
    return Promise.race([
      Call.capabilities().catch(() => NONE),
      new Promise((resolve) => { timer = setTimeout(() => resolve(NONE), CAPABILITIES_WAIT_MS); }),
    ]).then((caps) => { clearTimeout(timer); return { voice: Boolean(caps.voice), video: Boolean(caps.video) }; });
  };

  function tabCall() {
    try { return sessionStorage.getItem(CALL_KEY) || ''; } catch (e) { return ''; }
  }
  function setTabCall(contactId) {
    try {
      if (contactId) sessionStorage.setItem(CALL_KEY, contactId);
      else sessionStorage.removeItem(CALL_KEY);
    } catch (e) { /* storage blocked */ }
  }

  function button(cls, text, onclick, extra) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = cls;
    b.textContent = text;
    b.addEventListener('click', onclick);
    for (const [k, v] of Object.entries(extra || {})) b.setAttribute(k, v);
    return b;
  }

  class CallController {
    constructor(widget) {
      this.w = widget;
      this.iceServers = [];
      this.icePolicy = 'all';
      // idle | invited (the agent offers: the prompt) | outgoing (the visitor's offer waits for the agent)
      // | connecting | active | failed (an error shown until dismissed)
      this.phase = 'idle';
      this.offer = null; // {from, video} of the offer being answered or made
      this.engine = null; // the SwitchboardCall running
      this.contactId = '';
      this.sendsVideo = false;
      this.failure = ''; // the reason of the last failure (ours or the agent's)
      this.failureFrom = '';
      this.remoteVideo = false; // the agent's video track arrived
      this.soundBlocked = false; // the browser refused to play the agent's audio without a click
    }

    t(key, params) { return this.w.t(key, params); }

    // --- from the widget ---

    /** ice_servers and ice_transport_policy of visitor.welcome. */
    setIce(servers, policy) {
      this.iceServers = Array.isArray(servers) ? servers : [];
      this.icePolicy = policy === 'relay' ? 'relay' : 'all';
    }

    /** A `media` event of the widget's contact. Replayed events (live false) only leave notes: sync() decides. */
    onMediaEvent(ev, live) {
      const fromAgent = ev.from === 'agent';
      const c = this.w.contact;
      if (!c) return;
      switch (ev.action) {
        case 'offer':
          if (fromAgent) this.w.note(this.t(ev.video ? 'call_invite_video' : 'call_invite_voice'));
          if (!live) return;
          if (this.engine) this.stopEngine(); // a new offer means the old call is over
          this.offer = { from: fromAgent ? 'agent' : 'visitor', video: Boolean(ev.video) };
          this.contactId = c.id;
          this.failure = '';
          this.phase = fromAgent ? 'invited' : 'outgoing';
          this.render();
          if (fromAgent) this.invite();
          break;
        case 'accept':
          if (!live) return;
          if (fromAgent && this.offer && this.offer.from === 'visitor' && !this.engine) {
            const video = this.offer.video && this.w.capabilities.video;
            this.startEngine({ initiator: true, video, receiveVideo: this.offer.video });
          } else if (!fromAgent && !this.engine && this.phase === 'invited') {
            this.finish(''); // answered in another tab of this visitor
          }
          break;
        case 'refuse':
          this.w.note(this.t(fromAgent ? 'call_refused_agent' : 'call_refused'));
          if (live) this.finish('');
          break;
        case 'connected':
          if (live && this.engine && this.phase === 'connecting') {
            this.phase = 'active';
            this.render();
          }
          break;
        case 'hangup':
          this.w.note(this.t('call_ended'));
          if (live) this.finish('');
          break;
        case 'failed': {
          const reason = typeof ev.reason === 'string' ? ev.reason : 'network';
          this.w.note(this.t(fromAgent ? 'call_failed_agent' : `call_failed_${reason}`));
          if (!live) return;
          if (fromAgent) this.finish(reason, 'agent');
          else if (this.phase !== 'failed') this.finish(reason, 'visitor');
          break;
        }
        default:
          break;
      }
    }

    /** A relayed contact.signal of the agent. */
    onSignal(msg) {
      if (this.engine && msg.contact === this.contactId && msg.from === 'agent') this.engine.handleSignal(msg.signal);
    }

    /** After a snapshot (page load, reconnect): the contact's `call` field says what goes on. */
    sync(c) {
      if (!c || c.call === undefined) return; // a server without calls
      const call = c.call;
      const ours = tabCall() === c.id;
      if (!call) {
        if (ours) setTabCall('');
        if (this.phase !== 'idle' && this.phase !== 'failed') this.finish('');
        return;
      }
      this.contactId = c.id;
      if (call.state === 'offered') {
        if (this.engine || this.phase === 'invited' || this.phase === 'outgoing') return;
        this.offer = { from: call.offerer, video: Boolean(call.video) };
        this.phase = call.offerer === 'agent' ? 'invited' : 'outgoing';
        this.render();
        if (this.phase === 'invited') this.invite();
      } else if (!this.engine) {
        if (call.offerer === 'visitor' && call.state === 'accepted' && !ours) {
          // The agent accepted while this page was loading: this side makes the WebRTC offer.
          this.offer = { from: 'visitor', video: Boolean(call.video) };
          const video = this.offer.video && this.w.capabilities.video;
          this.startEngine({ initiator: true, video, receiveVideo: this.offer.video });
        } else if (ours) {
          // An earlier page of this tab ran this call and its hangup was lost: a new page cannot keep it.
          this.send('hangup');
          setTabCall('');
        }
      }
    }

    /** The contact ended (closed): its call ends with it, nothing to send. */
    contactEnded() {
      if (this.phase !== 'idle' && this.phase !== 'failed') {
        this.stopEngine();
        this.phase = 'idle';
        this.offer = null;
        this.render();
      }
      setTabCall('');
    }

    /** The page goes away: a call cannot follow it to the next page. */
    leavePage() {
      if (this.engine) {
        this.send('hangup');
        this.stopEngine();
        // The tab's mark stays: if this hangup is lost with the socket, the next page sends it again.
      }
    }

    /** Summary for the widget's state(). */
    state() {
      return {
        phase: this.phase, offer: this.offer, sendsVideo: this.sendsVideo, muted: Boolean(this.engine && this.engine.muted),
        failure: this.failure, failureFrom: this.failureFrom, remoteVideo: this.remoteVideo,
      };
    }

    // --- the visitor's buttons ---

    answer(video) {
      if (this.phase !== 'invited' || !this.offer || !this.w.contact) return;
      const id = this.w.contact.id;
      const sendVideo = Boolean(video && this.offer.video && this.w.capabilities.video);
      this.w.conn.request('contact.media', { contact: id, action: 'accept', video: sendVideo }).catch((err) => {
        // The offer was withdrawn meanwhile (its hangup event ends the call box) or the contact is gone.
        if (err.code !== 'disconnected' && this.engine && this.contactId === id) this.finish('');
      });
      this.startEngine({ initiator: false, video: sendVideo, receiveVideo: this.offer.video });
    }

    refuse() {
      if (this.phase !== 'invited' || !this.w.contact) return;
      this.send('refuse');
      this.finish('');
    }

    hangup() {
      if (!this.w.contact) return;
      if (this.engine || this.phase === 'outgoing') this.send('hangup');
      this.finish('');
    }

    toggleMute() {
      if (!this.engine) return;
      this.engine.setMuted(!this.engine.muted);
      this.renderControls();
    }

    dismiss() {
      this.failure = '';
      this.failureFrom = '';
      this.phase = 'idle';
      this.render();
    }

    // --- the call ---

    send(action, fields) {
      const id = this.contactId || (this.w.contact && this.w.contact.id);
      if (!id || !this.w.conn) return;
      this.w.conn.send('contact.media', Object.assign({ contact: id, action }, fields));
    }

    startEngine({ initiator, video, receiveVideo }) {
      this.stopEngine();
      const id = this.w.contact.id;
      this.contactId = id;
      if (!window.SwitchboardCall) { // /media/call.js did not load
        this.send('failed', { reason: 'unsupported' });
        this.finish('unsupported', 'visitor');
        return;
      }
      this.phase = 'connecting';
      this.sendsVideo = Boolean(video);
      this.failure = '';
      this.failureFrom = '';
      setTabCall(id);
      const engine = new window.SwitchboardCall({
        iceServers: this.iceServers,
        iceTransportPolicy: this.icePolicy,
        sendSignal: (signal) => {
          if (this.engine === engine && this.w.conn) this.w.conn.send('contact.signal', { contact: id, signal });
        },
        onLocalStream: (stream) => {
          if (this.engine !== engine) return;
          this.dom.local.srcObject = stream;
          this.dom.local.hidden = !stream.getVideoTracks().length;
          this.play(this.dom.local);
        },
        onRemoteStream: (stream) => {
          if (this.engine !== engine) return;
          this.remoteVideo = stream.getVideoTracks().length > 0;
          if (this.dom.remote.srcObject !== stream) this.dom.remote.srcObject = stream;
          this.render();
          this.play(this.dom.remote);
        },
        onConnected: () => {
          if (this.engine !== engine) return;
          this.send('connected');
          this.phase = 'active';
          this.w.note(this.t('call_started'));
          this.w.announce(this.t('call_active'));
          this.render();
        },
        onFailed: (reason) => {
          if (this.engine !== engine) return;
          this.send('failed', { reason });
          this.finish(reason, 'visitor');
        },
      });
      this.engine = engine;
      this.render();
      engine.start({ initiator, audio: true, video: this.sendsVideo, receiveVideo: Boolean(receiveVideo) });
    }

    stopEngine() {
      if (this.engine) this.engine.hangup();
      this.engine = null;
      this.remoteVideo = false;
      this.soundBlocked = false;
      if (this.dom) {
        this.dom.remote.srcObject = null;
        this.dom.local.srcObject = null;
      }
    }

    /** The call is over: reason '' for a normal end, else the failure to show (from 'visitor' or 'agent'). */
    finish(reason, from) {
      this.stopEngine();
      if (tabCall() === this.contactId) setTabCall('');
      this.offer = null;
      this.sendsVideo = false;
      this.failure = reason || '';
      this.failureFrom = reason ? from || 'visitor' : '';
      this.phase = reason ? 'failed' : 'idle';
      this.render();
      if (reason) this.w.announce(this.failureText());
    }

    failureText() {
      if (!this.failure) return '';
      return this.t(this.failureFrom === 'agent' ? 'call_failed_agent' : `call_failed_${this.failure}`);
    }

    play(video) {
      const p = video.play && video.play();
      if (p && p.catch) {
        p.catch((err) => {
          if (video === this.dom.remote && err && err.name === 'NotAllowedError') {
            this.soundBlocked = true;
            this.renderControls();
          }
        });
      }
    }

    invite() {
      const text = this.t(this.offer.video ? 'call_invite_video' : 'call_invite_voice');
      this.w.announce(text);
      // Move focus to the invitation only when the visitor is in the widget (never steal it from the page).
      if (this.w.dom && this.w.dom.root.contains(document.activeElement)) {
        const first = this.dom.prompt.querySelector('button');
        if (first) first.focus();
      }
    }

    // --- DOM ---

    /** Builds the call box; the widget puts it in its root, before the panel. */
    mount() {
      const t = (k) => this.t(k);
      const inviteId = `sbw-call-invite-${Math.random().toString(36).slice(2, 8)}`;
      const d = (this.dom = {});
      d.invite = document.createElement('p');
      d.invite.id = inviteId;
      d.invite.className = 'sbw-call-invite';
      d.choices = document.createElement('div');
      d.choices.className = 'sbw-call-choices';
      d.prompt = document.createElement('div');
      d.prompt.className = 'sbw-call-prompt';
      d.prompt.setAttribute('role', 'alertdialog');
      d.prompt.setAttribute('aria-labelledby', inviteId);
      d.prompt.append(d.invite, d.choices);

      d.remote = document.createElement('video');
      d.remote.className = 'sbw-call-remote';
      d.remote.autoplay = true;
      d.remote.playsInline = true;
      d.remote.setAttribute('aria-label', t('call_remote_video'));
      d.local = document.createElement('video');
      d.local.className = 'sbw-call-local';
      d.local.autoplay = true;
      d.local.playsInline = true;
      d.local.muted = true; // our own microphone is never played back
      d.local.hidden = true;
      d.local.setAttribute('aria-label', t('call_local_video'));
      d.media = document.createElement('div');
      d.media.className = 'sbw-call-media';
      d.media.append(d.remote, d.local);

      d.status = document.createElement('p');
      d.status.className = 'sbw-call-status';
      d.error = document.createElement('p');
      d.error.className = 'sbw-call-error';
      d.error.setAttribute('role', 'alert');
      d.controls = document.createElement('div');
      d.controls.className = 'sbw-call-controls';
      d.mute = button('sbw-secondary sbw-call-mute', t('call_mute'), () => this.toggleMute(), { 'aria-pressed': 'false' });
      d.hangup = button('sbw-primary sbw-call-hangup', t('call_hangup'), () => this.hangup());
      d.sound = button('sbw-secondary sbw-call-sound', t('call_sound'), () => {
        this.soundBlocked = false;
        this.play(this.dom.remote);
        this.renderControls();
      });
      d.dismiss = button('sbw-secondary sbw-call-dismiss', t('call_dismiss'), () => this.dismiss());
      d.controls.append(d.sound, d.mute, d.hangup, d.dismiss);

      d.root = document.createElement('section');
      d.root.className = 'sbw-call';
      d.root.setAttribute('aria-label', t('call_title'));
      d.root.append(d.prompt, d.media, d.status, d.error, d.controls);
      this.render();
      return d.root;
    }

    render() {
      const d = this.dom;
      if (!d) return;
      const t = (k) => this.t(k);
      const phase = this.phase;
      d.root.hidden = phase === 'idle';
      d.root.dataset.phase = phase;
      if (this.w.dom && this.w.dom.root) this.w.dom.root.classList.toggle('sbw-in-call', phase !== 'idle');

      d.prompt.hidden = phase !== 'invited';
      if (phase === 'invited' && this.offer) {
        d.invite.textContent = t(this.offer.video ? 'call_invite_video' : 'call_invite_voice');
        const choices = [];
        if (this.offer.video) {
          if (this.w.capabilities.video) {
            choices.push(button('sbw-primary sbw-call-accept-video', t('call_accept_video'), () => this.answer(true),
              { 'data-sbw-call': 'accept-video' }));
          }
          choices.push(button(`${choices.length ? 'sbw-secondary' : 'sbw-primary'} sbw-call-voice-only`,
            t('call_voice_only'), () => this.answer(false), { 'data-sbw-call': 'voice-only' }));
        } else {
          choices.push(button('sbw-primary sbw-call-accept', t('call_accept'), () => this.answer(false),
            { 'data-sbw-call': 'accept' }));
        }
        choices.push(button('sbw-secondary sbw-call-refuse', t('call_refuse'), () => this.refuse(),
          { 'data-sbw-call': 'refuse' }));
        d.choices.replaceChildren(...choices);
      } else {
        d.choices.replaceChildren();
      }

      const running = phase === 'connecting' || phase === 'active';
      d.media.hidden = !running;
      d.remote.hidden = !this.remoteVideo;
      if (!running) d.local.hidden = true;
      const status = { outgoing: 'call_calling', connecting: 'call_connecting', active: 'call_active' }[phase];
      d.status.textContent = status ? t(status) : '';
      d.status.hidden = !status;
      d.error.textContent = phase === 'failed' ? this.failureText() : '';
      d.error.hidden = phase !== 'failed';
      this.renderControls();
    }

    renderControls() {
      const d = this.dom;
      if (!d) return;
      const running = this.phase === 'connecting' || this.phase === 'active';
      const muted = Boolean(this.engine && this.engine.muted);
      d.mute.hidden = !running;
      d.mute.setAttribute('aria-pressed', String(muted));
      d.hangup.hidden = !(running || this.phase === 'outgoing');
      d.sound.hidden = !(running && this.soundBlocked);
      d.dismiss.hidden = this.phase !== 'failed';
      d.controls.hidden = d.mute.hidden && d.hangup.hidden && d.dismiss.hidden;
    }
  }

  W.CallController = CallController;
})();
