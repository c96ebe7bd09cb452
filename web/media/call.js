// Switchboard call engine: one browser-to-browser WebRTC call of a contact (docs/protocol.md, "Calls"),
// shared by the visitor widget (/widget/) and the agent console (/console/), both loading /media/call.js.
// A classic script with no dependencies: it defines window.SwitchboardCall.
//
//   const call = new SwitchboardCall({
//     iceServers, iceTransportPolicy,          // from visitor.welcome / agent.welcome
//     sendSignal(signal) {},                   // send {"type":"contact.signal","contact":id,"signal":signal}
//     onLocalStream(stream) {}, onRemoteStream(stream) {},
//     onConnected() {},                        // first time connected: send contact.media connected
//     onFailed(reason) {},                     // permission_denied | no_device | unsupported | network
//   });
//   await call.start({initiator, audio, video, receiveVideo});  // true once running, false if it failed
//   call.handleSignal(signal);                 // the `signal` of a relayed contact.signal
//   call.setMuted(true); call.muted; call.hangup(); await call.stats();
//   await SwitchboardCall.capabilities();      // {voice, video}
//
// The initiator (the party whose contact.media offer was accepted) creates the WebRTC offer; the other
// party answers. The engine never talks to the server itself: the caller relays signals and media events.
(function () {
  'use strict';

  // A connection that stays failed or disconnected this long has failed for good.
  const NETWORK_GRACE_MS = 5000;
  const REASONS = ['permission_denied', 'no_device', 'unsupported', 'network'];

  function hasWebRtc() {
    return typeof window.RTCPeerConnection === 'function' &&
      !!(navigator.mediaDevices && typeof navigator.mediaDevices.getUserMedia === 'function');
  }

  // getUserMedia errors as protocol failure reasons.
  function mediaErrorReason(err) {
    const name = (err && err.name) || '';
    if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') {
      return 'permission_denied';
    }
    if (name === 'TypeError') return 'unsupported';
    // NotFoundError, OverconstrainedError, NotReadableError (device busy), AbortError: no usable device.
    return 'no_device';
  }

  function noop() {}

  class SwitchboardCall {
    /** options: see the top of this file; every callback is optional. */
    constructor(options) {
      const o = options || {};
      this.iceServers = Array.isArray(o.iceServers) ? o.iceServers : [];
      this.iceTransportPolicy = o.iceTransportPolicy === 'relay' ? 'relay' : 'all';
      this.sendSignal = typeof o.sendSignal === 'function' ? o.sendSignal : noop;
      this.onLocalStream = typeof o.onLocalStream === 'function' ? o.onLocalStream : noop;
      this.onRemoteStream = typeof o.onRemoteStream === 'function' ? o.onRemoteStream : noop;
      this.onConnected = typeof o.onConnected === 'function' ? o.onConnected : noop;
      this.onFailed = typeof o.onFailed === 'function' ? o.onFailed : noop;

      this.pc = null;
      this.initiator = false;
      this.localStream = null;
      this.remoteStream = null;
      this.started = false; // start() was called
      this.ended = false; // hung up or failed: nothing more happens
      this.failure = null; // the reason given to onFailed
      this.connected = false; // reached 'connected' once
      this._muted = false;
      this._signals = []; // signals received before the peer connection exists
      this._candidates = []; // candidates received before the remote description
      this._chain = Promise.resolve(); // signals are applied one at a time, in arrival order
      this._networkTimer = null;
      this._receiveVideo = false;
    }

    /** Whether this browser can call: WebRTC with a microphone (voice), and with a camera too (video). */
    static async capabilities() {
      if (!hasWebRtc() || typeof navigator.mediaDevices.enumerateDevices !== 'function') {
        return { voice: false, video: false };
      }
      let devices = [];
      try {
        devices = await navigator.mediaDevices.enumerateDevices();
      } catch (e) {
        return { voice: false, video: false };
      }
      const microphone = devices.some((d) => d.kind === 'audioinput');
      const camera = devices.some((d) => d.kind === 'videoinput');
      return { voice: microphone, video: microphone && camera };
    }

    get muted() {
      return this._muted;
    }

    /** Mutes or unmutes the microphone (the track keeps flowing as silence). */
    setMuted(muted) {
      this._muted = !!muted;
      if (this.localStream) {
        for (const track of this.localStream.getAudioTracks()) track.enabled = !this._muted;
      }
    }

    /**
     * Starts the call: asks for the microphone (audio) and camera (video), then, as initiator, sends the
     * WebRTC offer; otherwise waits for (or applies the queued) offer. Resolves true when running, false when
     * it failed (onFailed was called) or was hung up meanwhile. Never rejects.
     *   initiator: this party creates the WebRTC offer
     *   audio: send the microphone (default true); video: send the camera (default false)
     *   receiveVideo: receive the other party's video (default: video)
     */
    async start(options) {
      const o = options || {};
      if (this.started || this.ended) return !this.ended;
      this.started = true;
      this.initiator = !!o.initiator;
      this._receiveVideo = o.receiveVideo === undefined ? !!o.video : !!o.receiveVideo;
      const audio = o.audio !== false;
      const video = !!o.video;
      const receiveVideo = this._receiveVideo;

      if (!hasWebRtc()) {
        this._fail('unsupported');
        return false;
      }
      if (audio || video) {
        let stream;
        try {
          stream = await navigator.mediaDevices.getUserMedia({ audio, video });
        } catch (err) {
          this._fail(mediaErrorReason(err));
          return false;
        }
        if (this.ended) {
          // Hung up while the browser asked for permission.
          for (const track of stream.getTracks()) track.stop();
          return false;
        }
        this.localStream = stream;
        this.setMuted(this._muted);
        this.onLocalStream(stream);
      }

      let pc;
      try {
        pc = new RTCPeerConnection({ iceServers: this.iceServers, iceTransportPolicy: this.iceTransportPolicy });
      } catch (err) {
        // Bad ICE server URLs, or a browser that refuses WebRTC here.
        this._fail('unsupported');
        return false;
      }
      this.pc = pc;
      this.remoteStream = new MediaStream();
      pc.onicecandidate = (e) => {
        if (this.ended) return;
        this.sendSignal({ candidate: e.candidate ? e.candidate.toJSON() : null });
      };
      pc.ontrack = (e) => {
        if (this.ended) return;
        if (!this.remoteStream.getTracks().includes(e.track)) this.remoteStream.addTrack(e.track);
        this.onRemoteStream(this.remoteStream);
      };
      const watch = () => this._connectionChanged();
      if ('connectionState' in pc) pc.onconnectionstatechange = watch;
      else pc.oniceconnectionstatechange = watch;

      if (this.initiator) {
        const tracks = this.localStream ? this.localStream : null;
        const audioTrack = tracks && tracks.getAudioTracks()[0];
        const videoTrack = tracks && tracks.getVideoTracks()[0];
        const streams = tracks ? [tracks] : [];
        // Transceivers, not addTrack: a party that sends no camera still receives the other's video.
        if (audioTrack) pc.addTransceiver(audioTrack, { direction: 'sendrecv', streams });
        else pc.addTransceiver('audio', { direction: 'recvonly' });
        if (videoTrack) pc.addTransceiver(videoTrack, { direction: receiveVideo ? 'sendrecv' : 'sendonly', streams });
        else if (receiveVideo) pc.addTransceiver('video', { direction: 'recvonly' });
        this._enqueue(async () => {
          const offer = await pc.createOffer();
          await pc.setLocalDescription(offer);
          this.sendSignal({ sdp: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
        });
      }
      const queued = this._signals;
      this._signals = [];
      for (const signal of queued) this.handleSignal(signal);
      return !this.ended;
    }

    /** Applies one signal of the other party: {sdp:{type,sdp}} or {candidate:{...}|null}. */
    handleSignal(signal) {
      if (this.ended || !signal || typeof signal !== 'object') return;
      if (!this.pc) {
        this._signals.push(signal);
        return;
      }
      const pc = this.pc;
      if (signal.sdp && typeof signal.sdp === 'object') {
        const { type, sdp } = signal.sdp;
        if (typeof sdp !== 'string') return;
        if (type === 'offer' && !this.initiator) {
          this._enqueue(async () => {
            await pc.setRemoteDescription({ type, sdp });
            this._attachLocalTracks();
            await this._flushCandidates();
            const answer = await pc.createAnswer();
            await pc.setLocalDescription(answer);
            this.sendSignal({ sdp: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
          });
        } else if (type === 'answer' && this.initiator) {
          this._enqueue(async () => {
            await pc.setRemoteDescription({ type, sdp });
            await this._flushCandidates();
          });
        }
        // Anything else (an offer to the initiator, an answer to the answerer) breaks the rule: ignored.
      } else if ('candidate' in signal) {
        const candidate = signal.candidate;
        if (candidate !== null && typeof candidate !== 'object') return;
        this._enqueue(async () => {
          if (!pc.remoteDescription) this._candidates.push(candidate);
          else await this._addCandidate(candidate);
        });
      }
    }

    /** Ends the call: closes the connection and stops the camera and microphone. Safe to call twice. */
    hangup() {
      if (this.ended) return;
      this.ended = true;
      clearTimeout(this._networkTimer);
      this._networkTimer = null;
      this._signals = [];
      this._candidates = [];
      if (this.pc) {
        this.pc.onicecandidate = null;
        this.pc.ontrack = null;
        this.pc.onconnectionstatechange = null;
        this.pc.oniceconnectionstatechange = null;
        try { this.pc.close(); } catch (e) { /* already closed */ }
      }
      if (this.localStream) {
        for (const track of this.localStream.getTracks()) track.stop();
      }
    }

    /**
     * Figures of the call from getStats(): video frames decoded (received) and sent, bytes received (audio
     * and video), the connection state and the candidate types ('host', 'srflx', 'prflx', 'relay') of the pair
     * in use ('' before one is chosen).
     */
    async stats() {
      const out = {
        framesDecoded: 0, framesSent: 0, bytesReceived: 0,
        connectionState: this._state(),
        localCandidateType: '', remoteCandidateType: '',
      };
      if (!this.pc) return out;
      let report;
      try {
        report = await this.pc.getStats();
      } catch (e) {
        return out;
      }
      const byId = new Map();
      report.forEach((s) => byId.set(s.id, s));
      let pair = null;
      report.forEach((s) => {
        const kind = s.kind || s.mediaType;
        if (s.type === 'inbound-rtp') {
          out.bytesReceived += s.bytesReceived || 0;
          if (kind === 'video') out.framesDecoded += s.framesDecoded || 0;
        } else if (s.type === 'outbound-rtp' && kind === 'video') {
          out.framesSent += s.framesSent || s.framesEncoded || 0;
        } else if (s.type === 'transport' && s.selectedCandidatePairId) {
          pair = byId.get(s.selectedCandidatePairId) || pair;
        } else if (s.type === 'candidate-pair' && !pair && (s.selected || (s.nominated && s.state === 'succeeded'))) {
          pair = s;
        }
      });
      if (pair) {
        const local = byId.get(pair.localCandidateId);
        const remote = byId.get(pair.remoteCandidateId);
        out.localCandidateType = (local && local.candidateType) || '';
        out.remoteCandidateType = (remote && remote.candidateType) || '';
      }
      return out;
    }

    // [internal]

    _state() {
      if (!this.pc) return this.ended ? 'closed' : 'new';
      return this.pc.connectionState || this.pc.iceConnectionState || 'new';
    }

    _connectionChanged() {
      if (this.ended) return;
      let state = this._state();
      if (state === 'completed') state = 'connected'; // iceConnectionState, where connectionState is missing
      if (state === 'connected') {
        clearTimeout(this._networkTimer);
        this._networkTimer = null;
        if (!this.connected) {
          this.connected = true;
          this.onConnected();
        }
      } else if (state === 'failed' || state === 'disconnected') {
        if (!this._networkTimer) {
          this._networkTimer = setTimeout(() => {
            this._networkTimer = null;
            const now = this._state();
            if (now === 'failed' || now === 'disconnected') this._fail('network');
          }, NETWORK_GRACE_MS);
        }
      } else if (state === 'closed') {
        this._fail('network');
      }
    }

    // The answerer's transceivers come from the offer: put the microphone and camera on them.
    _attachLocalTracks() {
      const pc = this.pc;
      const stream = this.localStream;
      for (const t of pc.getTransceivers()) {
        const kind = t.receiver && t.receiver.track && t.receiver.track.kind;
        const track = stream && (kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0]);
        if (track && !t.sender.track) {
          t.sender.replaceTrack(track);
          if (t.sender.setStreams) t.sender.setStreams(stream);
          t.direction = 'sendrecv'; // the answer narrows it to what the offer allows
        } else if (!track) {
          t.direction = kind === 'video' && !this._receiveVideo ? 'inactive' : 'recvonly';
        }
      }
    }

    async _flushCandidates() {
      const queued = this._candidates;
      this._candidates = [];
      for (const c of queued) await this._addCandidate(c);
    }

    async _addCandidate(candidate) {
      try {
        if (candidate === null) await this.pc.addIceCandidate();
        else await this.pc.addIceCandidate(candidate);
      } catch (e) {
        // A candidate the browser cannot use (another network family, end-of-candidates not understood).
      }
    }

    _enqueue(step) {
      this._chain = this._chain.then(() => {
        if (this.ended) return undefined;
        return step().catch((err) => {
          if (!this.ended) {
            if (window.console) console.warn('SwitchboardCall: negotiation failed:', err && err.message);
            this._fail('network');
          }
        });
      });
    }

    _fail(reason) {
      if (this.ended) return;
      this.failure = REASONS.includes(reason) ? reason : 'network';
      this.hangup();
      this.onFailed(this.failure);
    }
  }

  window.SwitchboardCall = SwitchboardCall;
})();
