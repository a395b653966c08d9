export {
  type ConnectionPath,
  type ConnectionPathsOptions,
  connectionPaths,
  type PathConfiguration,
  type PathStep,
  pathConfigurations,
} from './connection-paths.js';
export { ControlledSync } from './controlled-sync.js';
export { type EventVariant, eventVariants } from './event-variants.js';
export { FakeSocket } from './fake-socket.js';
export { FakeTransport } from './fake-transport.js';
export { type DrivenOptions, PathDriver, type PathDriverOptions } from './path-driver.js';
export { settle } from './settle.js';
export { TestClock } from './test-clock.js';
export { TransitionCoverage } from './transition-coverage.js';
