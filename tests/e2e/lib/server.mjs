// Starts the real switchboard-server for an end-to-end test: fresh temp dir with a copy of the config and a
// new SQLite file, port 0 (the server picks a free port and prints it).
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SERVER_BINARY = path.resolve(REPO_ROOT,
  process.env.SWITCHBOARD_SERVER || 'build/native/src/server/switchboard-server');
export const WEB_ROOT = path.resolve(REPO_ROOT, process.env.SWITCHBOARD_WEB_ROOT || 'build/wasm/site');
export const DEMO_CONFIG = path.resolve(REPO_ROOT, process.env.SWITCHBOARD_E2E_CONFIG || 'config/demo.json');

const LISTENING = /switchboard-server listening on (http:\/\/(\S+?):(\d+))\/?\s*$/;
const START_TIMEOUT_MS = Number(process.env.E2E_SERVER_START_TIMEOUT_MS) || 30_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_LIMIT = 2000; // lines kept per stream

// Servers still running when node exits (test crash, uncaught error) are killed, never left behind.
const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch {}
  }
});

/**
 * startServer({config, extraAgents, args, env, name})
 *   config:      config object to use instead of config/demo.json (written as JSON to the temp dir)
 *   extraAgents: agents appended to config.agents
 *   args:        extra command line arguments
 * Returns {url, port, host, dir, dbPath, configPath, process, logs(), stop()}.
 */
export async function startServer({ config, extraAgents, args = [], env = {} } = {}) {
  if (!existsSync(SERVER_BINARY)) {
    throw new Error(`startServer: ${SERVER_BINARY} does not exist; build the native preset first ` +
      '(or set SWITCHBOARD_SERVER)');
  }
  if (!existsSync(WEB_ROOT)) {
    throw new Error(`startServer: web root ${WEB_ROOT} does not exist; build the wasm preset first ` +
      '(or set SWITCHBOARD_WEB_ROOT)');
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-e2e-server-'));
  const configPath = path.join(dir, 'config.json');
  const dbPath = path.join(dir, 'switchboard.sqlite');
  try {
    if (config || extraAgents) {
      const base = config ? structuredClone(config) : JSON.parse(await fs.readFile(DEMO_CONFIG, 'utf8'));
      if (extraAgents && extraAgents.length) {
        if (base.agents !== undefined && !Array.isArray(base.agents)) {
          throw new Error('startServer: extraAgents needs config.agents to be an array');
        }
        base.agents = [...(base.agents || []), ...extraAgents];
      }
      await fs.writeFile(configPath, JSON.stringify(base, null, 2));
    } else {
      await fs.copyFile(DEMO_CONFIG, configPath);
    }
  } catch (err) {
    await fs.rm(dir, { recursive: true, force: true });
    if (err.code === 'ENOENT') throw new Error(`startServer: ${DEMO_CONFIG} not found (${err.message})`);
    throw err;
  }

  const argv = ['--config', configPath, '--port', '0', '--db', dbPath, '--web-root', WEB_ROOT, ...args];
  const child = spawn(SERVER_BINARY, argv, {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const out = [];
  const err = [];
  const keep = (buf, line) => { buf.push(line); if (buf.length > LOG_LIMIT) buf.shift(); };
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => { live.delete(child); resolve({ code, signal }); });
  });
  let exitInfo = null;
  exited.then((info) => { exitInfo = info; });

  const logs = () => `$ ${SERVER_BINARY} ${argv.join(' ')}\n--- stdout ---\n${out.join('\n')}\n--- stderr ---\n${err.join('\n')}\n`;

  let removed = false;
  const cleanup = async () => {
    if (removed) return;
    removed = true;
    await fs.rm(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 }).catch(() => {});
  };
  // Resolves to {code, signal, forced}: forced when the server ignored SIGTERM for STOP_TIMEOUT_MS and was
  // killed; a clean shutdown is code 0 (or signal SIGTERM if it keeps the default handler).
  let forced = false;
  const stop = async () => {
    if (!exitInfo) {
      child.kill('SIGTERM');
      let timer;
      const timeout = new Promise((resolve) => { timer = setTimeout(resolve, STOP_TIMEOUT_MS, 'timeout'); });
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        forced = true;
        child.kill('SIGKILL');
      }
      clearTimeout(timer);
      await exited;
    }
    await cleanup();
    return { ...exitInfo, forced };
  };

  const started = new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    const splitter = (buf, onLine) => {
      let rest = '';
      return (chunk) => {
        rest += chunk;
        const lines = rest.split(/\r?\n/);
        rest = lines.pop();
        for (const line of lines) { keep(buf, line); onLine?.(line); }
      };
    };
    child.stdout.on('data', splitter(out, (line) => {
      const m = LISTENING.exec(line);
      if (m) resolve({ url: m[1], host: m[2], port: Number(m[3]) });
    }));
    child.stderr.on('data', splitter(err));
    child.once('error', (e) => reject(new Error(`startServer: cannot run ${SERVER_BINARY}: ${e.message}`)));
    exited.then(({ code, signal }) => reject(new Error(
      `startServer: server exited (code ${code}, signal ${signal}) before listening\n${logs()}`)));
    setTimeout(() => reject(new Error(
      `startServer: no 'listening' line after ${START_TIMEOUT_MS} ms\n${logs()}`)), START_TIMEOUT_MS).unref();
  });

  let where;
  try {
    where = await started;
  } catch (e) {
    await stop();
    throw e;
  }
  // A wildcard bind address is not something to browse to; use loopback then.
  const host = ['0.0.0.0', '::', '[::]'].includes(where.host) ? '127.0.0.1' : where.host;
  const url = `http://${host}:${where.port}`;
  return { url, port: where.port, host, dir, dbPath, configPath, process: child, logs, stop };
}
