/**
 * The tag each state of the machine carries for the status it shows: the
 * status is read from the tags (`snapshot.hasTag`), so the chart is the only
 * place that says which state shows what.
 */
export const statusTags = {
  connecting: 'status:connecting',
  connected: 'status:connected',
  syncing: 'status:syncing',
  reconnecting: 'status:reconnecting',
  offline: 'status:offline',
  failed: 'status:failed',
  closed: 'status:closed',
} as const;

/** A state of the status: how a person sees the connection. */
export type StatusState = keyof typeof statusTags;

/** Every status state, in the order a connection usually meets them. */
export const statusStates = Object.keys(statusTags) as StatusState[];
