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
});
