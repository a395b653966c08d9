/**
 * CONN-04 in real Chromium (`npm run test:browser`): the status page of
 * examples/browser, driven like a person would, with the network cut through
 * the DevTools protocol and the server stopped. Needs Debian's `chromium`.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPage, type PageServer, servePage } from '../../examples/browser/serve.js';
import { TestServer } from '../support/test-server.js';
import { projectRoot } from '../support/typecheck.js';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshotPath = join(projectRoot, 'docs', 'img', 'status-badge.png');
/** The heartbeat probe the page sends; TestServer records it like any frame. */
const ping = '{"type":"ping"}';

const chromiumArgs = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Nothing leaves 127.0.0.1: no proxy, and every other host name fails to resolve.
  '--no-proxy-server',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

describe('the status page in Chromium', () => {
  let server: TestServer;
  let pageServer: PageServer;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let userDataDir: string;
  /** Every URL the page asked for (documents, scripts, WebSockets). */
  const requested: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(executablePath)) {
      throw new Error(`no Chromium at ${executablePath}: apt-get install -y chromium`);
    }
    server = await TestServer.start();
    pageServer = await servePage();
    userDataDir = mkdtempSync(join(tmpdir(), 'lifeline-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: chromiumArgs,
      viewport: { width: 900, height: 760 },
      deviceScaleFactor: 1,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (request) => requested.push(request.url()));
    page.on('websocket', (socket) => requested.push(socket.url()));
    page.on('pageerror', (error) => pageErrors.push(error.message));
    cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
  });

  afterAll(async () => {
    await context?.close();
    await pageServer?.close();
    await server?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  const badge = () => page.locator('#badge');
  const badgeText = async () => (await badge().textContent()) ?? '';
  const badgeState = async () => (await badge().getAttribute('data-state')) ?? '';
  const count = async (id: string) => Number(await page.locator(`#${id}`).textContent());
  const timelineStates = () =>
    page
      .locator('#timeline li')
      .evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.state ?? 'note'));
  const received = () => server.received.filter((frame) => frame !== ping);
  const setOffline = (offline: boolean) =>
    cdp.send('Network.emulateNetworkConditions', {
      offline,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
  const type = async (text: string) => {
    await page.locator('#message').fill(text);
    await page.locator('#message').press('Enter');
  };
  const poll = <T>(read: () => Promise<T> | T, timeout = 10_000) =>
    expect.poll(read, { timeout, interval: 50 });

  it('shows connected, offline with a queue, syncing then connected, and a reconnect countdown', async () => {
    const query = new URLSearchParams({ ws: server.url, initialDelay: '3000', jitter: 'none' });
    await page.goto(`${pageServer.url}?${query}`);

    // 1. Connect.
    await poll(badgeState).toBe('connected');
    expect(await badgeText()).toBe('Connected');
    const badgeColour = () =>
      badge().evaluate((element) => getComputedStyle(element).backgroundColor);
    const connectedColour = await badgeColour();
    await type('before the drop');
    await poll(received).toEqual(['before the drop']);
    await poll(() => page.locator('#outbox li .receipt').first().textContent()).toBe('acked');

    // 2. Offline (DevTools network emulation): the badge says so, messages queue.
    await setOffline(true);
    await poll(badgeState).toBe('offline');
    expect(await badgeText()).toBe('Offline');
    expect(await badgeColour()).not.toBe(connectedColour);
    expect(await page.locator('#network').textContent()).toBe('offline');
    for (const text of ['typed offline 1', 'typed offline 2', 'typed offline 3']) await type(text);
    await poll(() => count('queued')).toBe(3);
    expect(
      await page
        .locator('#outbox li .receipt')
        .evaluateAll((cells) => cells.map((cell) => cell.textContent)),
    ).toEqual(['acked', 'queued', 'queued', 'queued']);
    expect(received()).toEqual(['before the drop']);

    // 3. Online: syncing, then connected; the server gets every queued message, in order.
    await badge().evaluate((element) => {
      const seen: string[] = [];
      new MutationObserver(() => {
        const state = (element as HTMLElement).dataset.state ?? '';
        if (seen.at(-1) !== state) seen.push(state);
      }).observe(element, { attributes: true, attributeFilter: ['data-state'] });
      Object.assign(window, { badgeStates: seen });
    });
    await setOffline(false);
    await poll(badgeState).toBe('connected');
    const shown = await page.evaluate(
      () => (window as unknown as { badgeStates: string[] }).badgeStates,
    );
    expect(shown.filter((state) => state !== 'reconnecting')).toEqual(['syncing', 'connected']);
    await poll(received).toEqual([
      'before the drop',
      'typed offline 1',
      'typed offline 2',
      'typed offline 3',
    ]);
    expect(server.outOfOrder).toBe(0);
    expect(server.gaps).toBe(0);
    await poll(() => count('queued')).toBe(0);
    await poll(() => count('in-flight')).toBe(0);
    const states = await timelineStates();
    const afterOffline = states.slice(states.lastIndexOf('offline'));
    expect(afterOffline.filter((state) => state !== 'reconnecting' && state !== 'note')).toEqual([
      'offline',
      'syncing',
      'connected',
    ]);
    expect(server.frames.some((frame) => frame.startsWith('{"hello"'))).toBe(true);

    // 4. The server goes away: reconnecting, with a countdown that counts down.
    await server.stop();
    await poll(badgeText).toMatch(/^Reconnecting in [1-9]\d* s$/);
    const first = Number(/in (\d+) s/.exec(await badgeText())?.[1]);
    await poll(badgeText, 4000).toMatch(new RegExp(`^Reconnecting in ${first - 1} s$`));
    expect(await badgeState()).toBe('reconnecting');
    expect(await page.locator('#detail').textContent()).toMatch(/^attempt \d+ · last close 1006/);
    await type('while the server is down');
    await poll(() => count('queued')).toBe(1);

    // The screenshot for the README: the badge counting down, one message waiting, the timeline.
    const screenshot = await page.screenshot({ fullPage: true });
    expect(screenshot.subarray(1, 4).toString()).toBe('PNG');
    if (!existsSync(screenshotPath) || process.env.UPDATE_SCREENSHOTS === '1') {
      mkdirSync(join(projectRoot, 'docs', 'img'), { recursive: true });
      writeFileSync(screenshotPath, screenshot);
    }

    expect(pageErrors).toEqual([]);
    const hosts = new Set(requested.map((url) => new URL(url).hostname));
    expect([...hosts]).toEqual(['127.0.0.1']);
  });

  it('bundles for the browser without ws (the browser has its own WebSocket)', async () => {
    const { inputs, script } = await buildPage();
    expect(inputs.filter((input) => input.includes('node_modules/ws/'))).toEqual([]);
    expect(inputs).toContain('src/client/create-connection.ts');
    expect(script).not.toMatch(/require\(["']ws["']\)/);
  });
});
