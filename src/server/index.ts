export {
  type Admission,
  createUpgradePacer,
  type UpgradePacer,
  type UpgradePacerOptions,
  type VerifyClientCallback,
} from './upgrade-pacer.js';
