export { ControlledSync } from './controlled-sync.js';
export { FakeSocket } from './fake-socket.js';
export { FakeTransport } from './fake-transport.js';
export { settle } from './settle.js';
export { TestClock } from './test-clock.js';
export { TransitionCoverage } from './transition-coverage.js';
