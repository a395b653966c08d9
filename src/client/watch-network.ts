/** The part of a browser's `document` that tells whether the page is seen. */
interface PageVisibility {
  readonly visibilityState?: string;
  addEventListener?: (type: string, listener: () => void) => void;
  removeEventListener?: (type: string, listener: () => void) => void;
}

interface NetworkEvents {
  addEventListener?: (type: string, listener: () => void) => void;
  removeEventListener?: (type: string, listener: () => void) => void;
  navigator?: { onLine?: boolean };
}

/** What the platform's network and page events mean to a connection. */
export interface NetworkReactions {
  online(up: boolean): void;
  /** The page is seen again: its timers may have been throttled while hidden. */
  visible(): void;
}

/** Shared: a closure made here would keep this call's scope, per connection. */
const nothingToStop = () => undefined;

/**
 * Follows the platform's `online`/`offline` and `visibilitychange` events
 * where it has them (browsers); returns how to stop. Where it has none
 * (Node), it does nothing.
 */
export function watchNetwork(reactions: NetworkReactions): () => void {
  const target = globalThis as NetworkEvents;
  if (
    typeof target.addEventListener !== 'function' ||
    typeof target.navigator?.onLine !== 'boolean'
  ) {
    return nothingToStop;
  }
  const online = () => reactions.online(true);
  const offline = () => reactions.online(false);
  const page = (globalThis as { document?: PageVisibility }).document;
  const visible = () => {
    if (page?.visibilityState === 'visible') reactions.visible();
  };
  target.addEventListener('online', online);
  target.addEventListener('offline', offline);
  page?.addEventListener?.('visibilitychange', visible);
  if (target.navigator.onLine === false) reactions.online(false);
  return () => {
    target.removeEventListener?.('online', online);
    target.removeEventListener?.('offline', offline);
    page?.removeEventListener?.('visibilitychange', visible);
  };
}
