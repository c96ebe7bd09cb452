// A private coturn (Debian package coturn) on loopback for the relay-only call test: REST-API shared secret,
// free ports, relaying to loopback peers. Stopped (and its temp dir removed) by stop(); killed if node exits.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const TURNSERVER = process.env.E2E_TURNSERVER || '/usr/bin/turnserver';
const START_TIMEOUT_MS = 15_000;

const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch {}
  }
});

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * startTurn() -> {port, secret, url, media (the switchboard `media` config forcing relay), logs(), stop()}.
 * Resolves once coturn listens (its log says so).
 */
export async function startTurn() {
  if (!existsSync(TURNSERVER)) throw new Error(`startTurn: ${TURNSERVER} not found (apt-get install coturn)`);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-e2e-turn-'));
  const port = await freePort();
  const minPort = 40000 + Math.floor(Math.random() * 10000);
  const secret = randomBytes(16).toString('hex');
  const log = path.join(dir, 'turn.log');
  const args = [
    '-n', '--no-cli', '--no-tls', '--no-dtls', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1',
    `--listening-port=${port}`, `--min-port=${minPort}`, `--max-port=${minPort + 200}`,
    '--use-auth-secret', `--static-auth-secret=${secret}`, '--realm=switchboard.test',
    '--allow-loopback-peers', '--no-multicast-peers', `--pidfile=${path.join(dir, 'turn.pid')}`,
    `--log-file=${log}`, '--simple-log', '--verbose',
  ];
  const child = spawn(TURNSERVER, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const out = [];
  const keep = (b) => { for (const line of b.toString().split('\n')) if (line) { out.push(line); if (out.length > 500) out.shift(); } };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => { live.delete(child); resolve({ code, signal }); }));

  const stop = async () => {
    if (live.has(child)) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
    }
    await fs.rm(dir, { recursive: true, force: true });
  };
  const logs = () => out.join('\n');

  // Ready when something accepts TCP on the port (coturn listens on TCP and UDP alike).
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) break;
    const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 100))]);
    if (early) {
      const text = logs();
      await fs.rm(dir, { recursive: true, force: true });
      throw new Error(`startTurn: turnserver exited (${JSON.stringify(early)}):\n${text}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`startTurn: turnserver did not listen on ${port} within ${START_TIMEOUT_MS} ms:\n${logs()}`);
    }
  }
  const url = `turn:127.0.0.1:${port}?transport=udp`;
  return {
    port, secret, url, logs, stop,
    media: { turn: { urls: [url], secret, ttl_seconds: 3600 }, ice_transport_policy: 'relay' },
  };
}
