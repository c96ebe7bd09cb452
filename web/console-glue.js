// Emscripten --js-library: the few calls the console's C++ makes into the page. Each forwards to the
// host object that web/switchboard.js passes as Module.sbHost (one per mounted console).
mergeInto(LibraryManager.library, {
  sb_glue_request_frame: function () {
    Module.sbHost.requestFrame();
  },
  sb_glue_ready: function () {
    Module.sbHost.ready();
  },
  sb_glue_text_input: function (want) {
    Module.sbHost.setTextInput(!!want);
  },
  sb_glue_set_clipboard: function (text) {
    Module.sbHost.setClipboard(UTF8ToString(text));
  },
  sb_glue_open_url: function (url) {
    Module.sbHost.openUrl(UTF8ToString(url));
  },
  sb_glue_announce: function (text) {
    Module.sbHost.announce(UTF8ToString(text));
  },
  sb_glue_notify: function (kind, title, body, sound, desktop) {
    Module.sbHost.notify(UTF8ToString(kind), UTF8ToString(title), UTF8ToString(body), !!sound, !!desktop);
  },
  sb_glue_save_settings: function (sound, desktop) {
    Module.sbHost.saveSettings({ sound: !!sound, desktop: !!desktop });
  },
  sb_glue_ask_permission: function () {
    Module.sbHost.askPermission();
  },
  // The emoji font, fetched the first time a text needs it (console/fonts.h); it comes back through sb_add_font.
  sb_glue_load_emoji_font: function () {
    Module.sbHost.loadEmojiFont();
  },
  sb_glue_save_theme: function (dark) {
    Module.sbHost.saveTheme(!!dark);
  },
  // Country flags (src/console/platform/web/web_flags.cpp): the host loads console/flags/<code>.png as an image
  // and reports it with sb_flag_loaded / sb_flag_missing; the upload copies it into the console's texture.
  sb_glue_flag_load: function (code) {
    Module.sbHost.loadFlag(UTF8ToString(code));
  },
  sb_glue_flag_upload__deps: ['$GL'],
  sb_glue_flag_upload: function (texture, code) {
    const image = Module.sbHost.flagImage(UTF8ToString(code));
    const tex = GL.textures[texture];
    if (!image || !tex || !GLctx) return 0;
    try {
      GLctx.bindTexture(GLctx.TEXTURE_2D, tex);
      GLctx.texImage2D(GLctx.TEXTURE_2D, 0, GLctx.RGBA, GLctx.RGBA, GLctx.UNSIGNED_BYTE, image);
    } catch (e) {
      return 0; // a cross-origin image without CORS cannot go into WebGL
    }
    return 1;
  },
  // File uploads (src/console/platform/web/file_glue.cpp).
  sb_glue_pick_file: function (contact) {
    Module.sbHost.pickFile(UTF8ToString(contact));
  },
  sb_glue_upload_file: function (contact, token) {
    Module.sbHost.uploadFile(UTF8ToString(contact), UTF8ToString(token));
  },
  sb_glue_cancel_upload: function (contact) {
    Module.sbHost.cancelUpload(UTF8ToString(contact));
  },
  // Calls (src/console/platform/web/web_media.cpp): the host runs one SwitchboardCall per contact.
  sb_glue_call_start: function (contact, initiator, sendVideo, receiveVideo, ice) {
    Module.sbHost.callStart(UTF8ToString(contact),
      { initiator: !!initiator, sendVideo: !!sendVideo, receiveVideo: !!receiveVideo },
      JSON.parse(UTF8ToString(ice)));
  },
  sb_glue_call_signal: function (contact, signal) {
    Module.sbHost.callSignal(UTF8ToString(contact), JSON.parse(UTF8ToString(signal)));
  },
  sb_glue_call_mute: function (contact, muted) {
    Module.sbHost.callMute(UTF8ToString(contact), !!muted);
  },
  sb_glue_call_hangup: function (contact) {
    Module.sbHost.callHangup(UTF8ToString(contact));
  },
  // Uploads the current frame of a call's <video> (which: 0 the visitor's, 1 the agent's preview) into the
  // console's GL texture. Only binds the texture: the renderer binds its own state for every draw.
  sb_glue_video_upload__deps: ['$GL'],
  sb_glue_video_upload: function (texture, contact, which) {
    const video = Module.sbHost.videoElement(UTF8ToString(contact), which);
    const tex = GL.textures[texture];
    if (!video || !tex || !GLctx) return 0;
    try {
      GLctx.bindTexture(GLctx.TEXTURE_2D, tex);
      GLctx.texImage2D(GLctx.TEXTURE_2D, 0, GLctx.RGBA, GLctx.RGBA, GLctx.UNSIGNED_BYTE, video);
    } catch (e) {
      return 0; // no frame yet (or a cross-origin stream)
    }
    return 1;
  },
});
