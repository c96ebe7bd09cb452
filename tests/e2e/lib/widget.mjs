// Driving the visitor widget (web/widget) in a demo-site page with real input (puppeteer mouse and keyboard).
// The widget's DOM is plain HTML (classes sbw-*) and it exposes a read-only summary,
// window.SwitchboardWidget.state(): {view, open, connection, contact: {id, type, state, agent, channels,
// deadline} | null, seq, chatClosed, agentTyping, offered, notice, transcript: [{k, from, text, url, seq,
// state}]}. Synchronisation is page.waitForFunction with interval polling, never fixed sleeps.
import { DEFAULT_TIMEOUT } from './console.mjs';

const POLL_MS = 50;

/** Opens /demo/<file> and waits until the widget has mounted. */
export async function openDemo(page, serverUrl, file = 'index.html', { timeout = 30_000 } = {}) {
  const url = `${serverUrl.replace(/\/$/, '')}/demo/${file}`;
  const response = await page.goto(url, { waitUntil: 'load', timeout });
  if (response && !response.ok()) throw new Error(`openDemo: GET ${url} answered ${response.status()}`);
  await waitForWidgetMounted(page, timeout);
}

export async function waitForWidgetMounted(page, timeout = DEFAULT_TIMEOUT) {
  await page.waitForFunction(
    () => Boolean(window.SwitchboardWidget && window.SwitchboardWidget.widget &&
      document.querySelector('.sbw-launcher')),
    { timeout, polling: 100 });
}

export async function widgetState(page) {
  return page.evaluate(() => window.SwitchboardWidget.state());
}

/**
 * Waits until predicate(state) is truthy and returns that state; predicate is serialised to the page (it must
 * be self-contained). On timeout the error shows the last state and the page log.
 */
export async function waitForWidget(page, predicate, timeout = DEFAULT_TIMEOUT) {
  const source = typeof predicate === 'function' ? predicate.toString() : String(predicate);
  const polled = `(() => {
    const W = window.SwitchboardWidget;
    if (!W || !W.widget) return false;
    const s = W.state();
    return (${source})(s) ? s : false;
  })()`;
  try {
    const handle = await page.waitForFunction(polled, { timeout, polling: POLL_MS });
    const value = await handle.jsonValue();
    await handle.dispose().catch(() => {});
    return value;
  } catch (err) {
    let last;
    try { last = JSON.stringify(await widgetState(page)); } catch (e) { last = `<state() failed: ${e.message}>`; }
    const log = (page.e2eLog || []).slice(-20).join('\n  ');
    throw new Error(`waitForWidget: ${source} still false after ${timeout} ms; last state: ${last}\n` +
      `page log:\n  ${log}\n(${err.message})`);
  }
}

/** Waits until a selector in the widget matches a visible element whose text satisfies `text` (regexp). */
export async function waitForText(page, selector, text, timeout = DEFAULT_TIMEOUT) {
  try {
    await page.waitForFunction((sel, src, flags) => {
      const re = new RegExp(src, flags);
      return [...document.querySelectorAll(sel)].some((n) => n.offsetParent !== null && re.test(n.textContent));
    }, { timeout, polling: POLL_MS }, selector, text.source, text.flags);
  } catch (err) {
    const texts = await page.evaluate((sel) => [...document.querySelectorAll(sel)].map((n) => n.textContent), selector)
      .catch(() => []);
    throw new Error(`waitForText: no ${selector} matching ${text}; found ${JSON.stringify(texts)} (${err.message})`);
  }
}

/** Opens the panel with the launcher (if closed). */
export async function openWidget(page) {
  const open = await page.evaluate(() => !document.querySelector('.sbw-panel').hidden);
  if (!open) await page.click('.sbw-launcher');
  await page.waitForSelector('.sbw-panel:not([hidden])', { timeout: DEFAULT_TIMEOUT });
}

/** From the home view, picks a contact type. */
export async function chooseType(page, type) {
  await page.waitForSelector(`.sbw-panel [data-sbw-type="${type}"]`, { timeout: DEFAULT_TIMEOUT });
  await page.click(`.sbw-panel [data-sbw-type="${type}"]`);
  await page.waitForSelector(`form[data-sbw-form="${type}"]`, { timeout: DEFAULT_TIMEOUT });
}

/** Types values into the named fields of the widget form (each field emptied first). */
export async function fillForm(page, formType, values) {
  for (const [name, value] of Object.entries(values)) {
    const selector = `form[data-sbw-form="${formType}"] [name="${name}"]`;
    await page.waitForSelector(selector, { timeout: DEFAULT_TIMEOUT });
    await page.$eval(selector, (n) => { n.value = ''; });
    await page.click(selector);
    await page.keyboard.type(value, { delay: 5 });
  }
}

/** Field values of a widget form, by name. */
export async function formValues(page, formType) {
  return page.$eval(`form[data-sbw-form="${formType}"]`,
    (f) => Object.fromEntries([...f.elements].filter((e) => e.name).map((e) => [e.name, e.value])));
}

export async function submitForm(page, formType) {
  await page.click(`form[data-sbw-form="${formType}"] button[type="submit"]`);
}

/** Types into the chat input (real key presses) without sending. */
export async function typeChat(page, text) {
  await page.waitForSelector('.sbw-input', { timeout: DEFAULT_TIMEOUT });
  await page.click('.sbw-input');
  await page.keyboard.type(text, { delay: 5 });
}

/** Types a chat message and sends it with Enter. */
export async function sendChat(page, text) {
  await typeChat(page, text);
  await page.keyboard.press('Enter');
}

/** Clicks a link of the page and waits for the new page's widget. */
export async function clickAndLoad(page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: 30_000 }), page.click(selector)]);
  await waitForWidgetMounted(page);
}

/** Waits until the widget's call has decoded more than `above` video frames; returns its call stats. */
export async function waitForWidgetFrames(page, above, timeout = 30_000) {
  const handle = await page.waitForFunction(async (n) => {
    const engine = window.SwitchboardWidget.widget.calls.engine;
    const s = engine && await engine.stats();
    return s && s.framesDecoded > n ? s : false;
  }, { timeout, polling: 100 }, above);
  const value = await handle.jsonValue();
  await handle.dispose().catch(() => {});
  return value;
}

/**
 * The visitor (`page`, on a demo page) asks for a chat, `callAgent` (lib/call-agent.mjs) takes it and offers a
 * video call, the visitor accepts with video; resolves with the contact id once the agent has video active.
 */
export async function startVideoCall(page, callAgent, name) {
  await openWidget(page);
  await waitForWidget(page, (s) => s.view === 'home' && s.connection === 'online' && s.offered.includes('video'));
  await chooseType(page, 'chat');
  await fillForm(page, 'chat', { name });
  await submitForm(page, 'chat');
  const id = (await waitForWidget(page, (s) => s.contact && s.contact.state === 'pending')).contact.id;
  await callAgent.claim(id);
  await waitForWidget(page, (s) => s.contact && s.contact.state === 'assigned');
  await callAgent.call('offer', id, true);
  await waitForWidget(page, (s) => s.call.phase === 'invited');
  await page.click('.sbw-call-prompt [data-sbw-call="accept-video"]');
  await callAgent.waitForEvent(id, (e) => e.event === 'channel' && e.channel === 'video' && e.state === 'active',
    'video active');
  return id;
}
