// Switchboard visitor widget loader. A site embeds it with one tag:
//   <script src="https://HOST/widget/widget.js" data-server="wss://HOST/ws" data-service="sales" async></script>
// This first version draws the launcher and checks that the contact center answers; contact requests
// (chat, callback, call, video, weblead) come with protocol v1's visitor messages (issue 5).
(function () {
  'use strict';
  const tag = document.currentScript;
  if (!tag || window.SwitchboardWidget) return;
  const origin = new URL(tag.src, location.href);
  const serverAttr = tag.dataset.server || '/ws';
  const server = /^wss?:/.test(serverAttr)
    ? serverAttr
    : (origin.protocol === 'https:' ? 'wss://' : 'ws://') + origin.host + serverAttr;

  const root = document.createElement('div');
  root.className = 'switchboard-widget';
  root.style.cssText = 'position:fixed;right:1.5rem;bottom:1.5rem;z-index:2147483000;font-family:system-ui,sans-serif';
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Need help?';
  button.setAttribute('aria-expanded', 'false');
  button.style.cssText = 'background:#316078;color:#fff;border:0;border-radius:2rem;padding:.8rem 1.4rem;font-size:1rem;cursor:pointer';
  const panel = document.createElement('div');
  panel.hidden = true;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', 'Contact us');
  panel.style.cssText = 'background:#fff;border:1px solid #c4c9cc;border-radius:6px;padding:1rem;margin-bottom:.5rem;width:18rem;box-shadow:0 4px 16px rgba(0,0,0,.15)';
  const status = document.createElement('p');
  status.setAttribute('aria-live', 'polite');
  status.textContent = 'Checking whether our agents are reachable...';
  panel.appendChild(status);
  root.appendChild(panel);
  root.appendChild(button);

  function check() {
    let ws;
    try {
      ws = new WebSocket(server);
    } catch (e) {
      status.textContent = 'The contact center cannot be reached.';
      return;
    }
    ws.onopen = () => ws.send(JSON.stringify({ v: 1, type: 'ping', cid: 'widget-1' }));
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.type === 'pong') status.textContent = 'Our contact center is online.';
      ws.close();
    };
    ws.onerror = () => { status.textContent = 'The contact center cannot be reached.'; };
  }

  button.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    button.setAttribute('aria-expanded', String(!panel.hidden));
    if (!panel.hidden) check();
  });
  document.addEventListener('DOMContentLoaded', () => document.body.appendChild(root));
  if (document.readyState !== 'loading') document.body.appendChild(root);
  window.SwitchboardWidget = { server, service: tag.dataset.service || '' };
})();
