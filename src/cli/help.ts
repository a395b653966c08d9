/** The text of `lifeline --help`. The README's Command line section must say the same. */
export const help = `usage: lifeline [options] <ws-url>

A WebSocket client that stays connected: each line of stdin is sent as a text
message (queued while the connection is down, sent in order once it is back),
each inbound message is printed on stdout (binary ones as base64:<data>), and
the connection's status goes to stderr.

options
  --ack                     wrap messages in the ack envelope {"id":n,"data":..}; the
                            server answers {"ack":n}; unacknowledged messages are resent
  --session                 speak the lifeline session protocol (docs/protocol.md) with a
                            server such as createSessionServer: exactly once both ways,
                            messages sent while away are replayed; not with --ack
  --json                    status changes, errors and the outcome as JSON lines on stderr
  --heartbeat <ms>          probe a quiet socket after <ms> (default 15000)
  --heartbeat-timeout <ms>  declare it dead <ms> after the probe (default 10000)
  --no-heartbeat            no probes (a half-open socket goes unnoticed)
  --initial-delay <ms>      first reconnect delay (default 1000)
  --max-delay <ms>          cap on the reconnect delay (default 60000)
  --factor <n>              backoff growth factor (default 2)
  --jitter <kind>           none | full | equal | decorrelated (default equal)
  --max-attempts <n>        give up after n failed attempts in a row (default: never)
  --connect-timeout <ms>    abandon an attempt that has not opened after <ms> (default 10000)
  --drain-timeout <ms>      after stdin ends, wait at most <ms> for delivery (default: forever)
  --keep-open               stay connected after stdin ends (until Ctrl-C or failure)
  --inspect[=<ws-url>]      stream the statechart to the Stately inspector: start the local
                            inspector server (@statelyai/inspect, listening on every
                            interface) and print its page, or stream to <ws-url>
  --inspect-port <port>     port of the local inspector server (default 8080)
  -h, --help                this text
  -V, --version             the version

exit codes
  0    stdin ended and every message was acknowledged (--ack, --session) or delivered
       (written and confirmed by a pong or by the clean close that ends the run)
  1    the connection failed: a fatal close (HTTP 4xx at upgrade, codes 1008,
       4400-4499 ...) or --max-attempts reconnection attempts failed; or lifeline
       could not start (the inspector's port is taken ...)
  2    bad usage: unknown flag, missing or invalid value, invalid URL
  3    stdin ended but some messages were not confirmed: dropped, rejected,
       unconfirmed (their socket died, without --ack or --session, or still
       unacknowledged at the end), or --drain-timeout expired
  130  interrupted (SIGINT); 143 terminated (SIGTERM)

examples
  lifeline wss://echo.example.com/
  tail -f app.log | lifeline --ack --json wss://logs.example.com/ingest 2>status.jsonl
  lifeline --session wss://chat.example.com/session
  lifeline --inspect ws://127.0.0.1:8081/`;
