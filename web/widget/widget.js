// Switchboard visitor widget. A site embeds it with one tag:
//
//   <script src="https://HOST/widget/widget.js" data-server="wss://HOST/ws" data-service="sales" async></script>
//
// Options (data- attributes of the tag):
//   data-server    WebSocket URL of the contact center (default "/ws" on the script's host)
//   data-service   the service to ask for (e.g. "sales")
//   data-language  the widget's language: en, it, es, fr, de (default: the browser's language)
//   data-name      the customer's name, when the site knows it
//   data-type      open the widget on this contact type: chat, call, video, callback, weblead
//
// This file only reads the options and loads the rest, in order, from the same folder: widget.css,
// widget-i18n.js (words), widget-connection.js (protocol v1 over WebSocket), the call engine
// ../media/call.js and widget-call.js (voice and video calls), widget-files.js (files both ways),
// widget-ui.js (the widget).
// Plain scripts, no modules, so the widget can be served from another host without CORS headers.
(function () {
  'use strict';
  const tag = document.currentScript;
  const W = (window.SwitchboardWidget = window.SwitchboardWidget || {});
  if (!tag || W.loading) return; // one widget per page
  W.loading = true;

  const base = new URL('./', tag.src);
  const data = tag.dataset;

  function serverUrl(attr) {
    if (/^wss?:/i.test(attr)) return attr;
    const url = new URL(attr, base); // relative to the script's host
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.href;
  }

  W.config = {
    server: serverUrl(data.server || '/ws'),
    service: data.service || '',
    language: data.language || navigator.language || 'en',
    name: data.name || '',
    type: data.type || '',
  };

  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = new URL('widget.css', base).href;
  document.head.appendChild(css);

  const parts = ['widget-i18n.js', 'widget-connection.js', '../media/call.js', 'widget-call.js', 'widget-files.js',
    'widget-ui.js'];
  parts.forEach((file, i) => {
    const s = document.createElement('script');
    s.src = new URL(file, base).href;
    s.async = false; // run in this order
    if (i === parts.length - 1) s.onload = () => W.start(W.config);
    document.head.appendChild(s);
  });
})();
