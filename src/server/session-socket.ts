// One socket of a session server: waits for hello, runs the handshake, replays
// the client's stream, then passes upstream messages to `onMessage` once each
// and downstream messages to the client in offset order.
import type { WebSocket } from 'ws';
import { sessionCloseCodes } from '../protocol/close-codes.js';
import { decodeClientFrame } from '../protocol/decode-frame.js';
import { encodeServerFrame } from '../protocol/encode-frame.js';
import type {
  ClientFrame,
  HelloFrame,
  InvalidFrame,
  ServerFrame,
  SessionData,
  UpstreamDataFrame,
} from '../protocol/frames.js';
import { protocolVersion } from '../protocol/version.js';
import { type AckBatcher, createAckBatcher } from './ack-batcher.js';
import { fitReason } from './fit-reason.js';
import { createFrameBucket } from './frame-bucket.js';
import { admitHello, confirmSession, planWelcome } from './session-handshake.js';
import type { SessionHolder, SessionHub } from './session-hub.js';
import { SessionHandlerError, SessionStoreError } from './session-server-errors.js';

/** Messages read from the store per replay step. */
const replayBatch = 256;
/** Frames waiting for their turn (a slow `onMessage`) at which the socket stops reading, and resumes. */
const pauseAt = 1024;
const resumeAt = 256;

/** A `v` other than ours in a frame that looks like a hello, even one this version cannot read. */
function foreignVersion(raw: string | Uint8Array): boolean {
  if (typeof raw !== 'string') return false;
  try {
    const fields = JSON.parse(raw) as { type?: unknown; v?: unknown };
    return fields?.type === 'hello' && fields.v !== protocolVersion && fields.v !== undefined;
  } catch {
    return false;
  }
}

/** Serves one socket of a session server. */
export class SessionSocket implements SessionHolder {
  private state: 'hello' | 'handshake' | 'live' | 'closed' = 'hello';
  private clientId = '';
  private epoch = '';
  private readonly takeFrame: () => boolean;
  private readonly acks: AckBatcher;
  private helloTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last offset sent to the client; the replay starts after the welcome's offset. */
  private sentThrough = 0;
  /** The highest offset known to be in the stream. */
  private wanted = 0;
  private pumping = false;
  private replaying = false;
  /** The session waits for its client to show it got the welcome (see `SessionRecord.pendingHash`). */
  private pending = false;
  /** Frames of this socket in the client's queue. */
  private queued = 0;

  constructor(
    private readonly hub: SessionHub,
    private readonly ws: WebSocket,
    readonly identity: string,
  ) {
    const { options } = hub;
    this.takeFrame = createFrameBucket(options.maxFramesPerSecond, options.frameBurst, Date.now);
    this.acks = createAckBatcher(options.ackEvery, options.ackDelay, (id) =>
      this.sendFrame({ type: 'ack', id }),
    );
    this.helloTimer = setTimeout(
      () => this.close(sessionCloseCodes.helloTimeout, 'no hello in time'),
      options.helloTimeout,
    );
    ws.on('message', (raw, isBinary) => this.receive(raw as Buffer, isBinary));
    ws.on('close', () => this.closed());
    ws.on('error', () => this.closed());
  }

  /** The client id, once the handshake completed (else undefined). */
  get client(): { clientId: string; identity: string } | undefined {
    return this.state === 'live' ? { clientId: this.clientId, identity: this.identity } : undefined;
  }

  /** Closes the socket with `code` (nothing it sends afterwards is read). */
  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.closed();
    this.ws.close(code, fitReason(reason));
  }

  replace(): void {
    this.close(sessionCloseCodes.sessionReplaced, 'session replaced');
  }

  appended(offset: number, data: SessionData): void {
    if (this.state !== 'live') return;
    if (!this.pumping && offset === this.sentThrough + 1) {
      this.sentThrough = offset;
      this.sendFrame({ type: 'data', offset, data });
      return;
    }
    if (offset <= this.sentThrough) return;
    this.wanted = Math.max(this.wanted, offset);
    void this.pump();
  }

  private closed(): void {
    if (this.state === 'closed') return;
    const wasLive = this.state === 'live';
    this.state = 'closed';
    clearTimeout(this.helloTimer);
    this.acks.stop();
    // A paused socket would not read the peer's close frame; what it reads now is ignored.
    if (this.ws.isPaused) this.ws.resume();
    if (!wasLive) return;
    this.hub.release(this.clientId, this);
    this.hub.store.touch([this.clientId]).catch(() => undefined);
  }

  private receive(raw: Buffer, isBinary: boolean): void {
    if (this.state === 'closed') return;
    if (!this.takeFrame()) {
      this.close(sessionCloseCodes.flood, 'too many frames');
      return;
    }
    const wire = isBinary ? raw : raw.toString('utf8');
    const frame = decodeClientFrame(wire);
    if (this.state === 'hello') {
      this.hello(frame, wire);
      return;
    }
    if (frame.type === 'invalid' || frame.type === 'hello') {
      const problem = frame.type === 'hello' ? 'a second hello' : frame.problem;
      this.close(sessionCloseCodes.protocolViolation, problem);
      return;
    }
    this.queued += 1;
    if (this.queued === pauseAt) this.ws.pause();
    this.hub.enqueue(this.clientId, async () => {
      try {
        await this.handle(frame);
      } finally {
        this.queued -= 1;
        if (this.queued === resumeAt && this.ws.isPaused) this.ws.resume();
      }
    });
  }

  private hello(frame: ClientFrame | InvalidFrame, wire: string | Uint8Array): void {
    clearTimeout(this.helloTimer);
    if (frame.type === 'invalid') {
      if (foreignVersion(wire)) this.unsupported();
      else this.close(sessionCloseCodes.protocolViolation, frame.problem);
      return;
    }
    if (frame.type !== 'hello') {
      this.close(sessionCloseCodes.protocolViolation, 'the first frame must be hello');
      return;
    }
    if (frame.v !== protocolVersion) {
      this.unsupported();
      return;
    }
    this.state = 'handshake';
    this.clientId = frame.clientId;
    this.hub.enqueue(frame.clientId, () => this.handshake(frame));
  }

  private unsupported(): void {
    this.close(sessionCloseCodes.unsupportedVersion, `this server speaks v${protocolVersion}`);
  }

  private async handshake(hello: HelloFrame): Promise<void> {
    if (this.state !== 'handshake') return;
    const admitted = await this.guard('get or create', () =>
      admitHello(this.hub.store, this.identity, hello),
    );
    if (admitted === undefined || this.state !== 'handshake') return;
    if ('code' in admitted) {
      this.close(admitted.code, admitted.reason);
      return;
    }
    const { record, token, resumed, pending } = admitted;
    const { offset, reset } = planWelcome(hello, record, resumed);
    this.pending = pending;
    this.epoch = record.epoch;
    this.sentThrough = offset;
    this.wanted = record.lastOffset;
    this.state = 'live';
    this.replaying = true;
    this.hub.hold(this.clientId, this);
    this.sendFrame({
      type: 'welcome',
      v: protocolVersion,
      clientId: this.clientId,
      token,
      ackedThrough: record.ackedThrough,
      epoch: record.epoch,
      offset,
      ...(reset ? { reset } : {}),
    });
    try {
      this.hub.options.onSession?.(
        { clientId: this.clientId, identity: this.identity },
        {
          resumed,
          reset,
        },
      );
    } catch {
      // onSession is a notification; its failure changes nothing here.
    }
    void this.pump();
  }

  private async handle(frame: ClientFrame): Promise<void> {
    if (this.state !== 'live') return;
    if (this.pending) await this.confirm();
    if (frame.type === 'data') {
      await this.upstream(frame);
    } else if (frame.type === 'ack') {
      const offset = Math.min(frame.offset, this.sentThrough);
      await this.guard('acknowledgeOffset', () =>
        this.hub.store.acknowledgeOffset(this.clientId, offset),
      );
    }
  }

  /** A frame after the welcome: the client got it, and its token alone resumes the session now. */
  private async confirm(): Promise<void> {
    this.pending = false;
    await this.guard('confirm', () => confirmSession(this.hub.store, this.clientId, this.epoch));
  }

  private async upstream(frame: UpstreamDataFrame): Promise<void> {
    const { id } = frame;
    const result = await this.guard('acceptNext', () =>
      this.hub.store.acceptNext(this.clientId, this.epoch, id),
    );
    if (result === undefined) return;
    if (result.outcome === 'accepted') {
      // Accepted is taken: the handler runs even if the socket closed meanwhile.
      try {
        await this.hub.options.onMessage(
          { clientId: this.clientId, identity: this.identity },
          frame.data,
        );
      } catch (error) {
        this.hub.report(new SessionHandlerError('onMessage', error));
      }
      if (this.state === 'live') this.acks.note(id);
      return;
    }
    if (this.state !== 'live') return;
    switch (result.outcome) {
      case 'duplicate':
        this.acks.note(result.ackedThrough);
        return;
      case 'gap':
        this.acks.flush();
        this.close(
          sessionCloseCodes.upstreamGap,
          `gap: expected id ${result.ackedThrough + 1}, got ${id}`,
        );
        return;
      default:
        this.close(sessionCloseCodes.sessionReplaced, 'session ended');
    }
  }

  /** Sends the stream after `sentThrough` until caught up; ends a replay with `replayed`. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.state === 'live') {
        const entries = await this.guard('readAfter', () =>
          this.hub.store.readAfter(this.clientId, this.sentThrough, replayBatch),
        );
        if (entries === undefined || this.state !== 'live') return;
        for (const entry of entries) {
          if (entry.offset <= this.sentThrough) continue;
          this.sentThrough = entry.offset;
          this.sendFrame({ type: 'data', offset: entry.offset, data: entry.data });
        }
        this.wanted = Math.max(this.wanted, this.sentThrough);
        const more = entries.length === replayBatch || this.sentThrough < this.wanted;
        if (!more || entries.length === 0) break;
      }
    } finally {
      this.pumping = false;
    }
    if (this.replaying && this.state === 'live') {
      this.replaying = false;
      this.sendFrame({ type: 'replayed', offset: this.sentThrough });
    }
  }

  /** Runs a store call; a failure is reported and closes the socket with 4011. */
  private async guard<T>(operation: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      this.hub.report(new SessionStoreError(operation, error));
      this.close(sessionCloseCodes.serverError, 'session store failed');
      return undefined;
    }
  }

  private sendFrame(frame: ServerFrame): void {
    if (this.state === 'closed') return;
    this.ws.send(encodeServerFrame(frame));
  }
}
