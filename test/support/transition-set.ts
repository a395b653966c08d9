// One implementation, shared with the testing entry point (TransitionCoverage counts with it).
export { transitionKey, transitionSet } from '../../src/testing/transition-set.js';
