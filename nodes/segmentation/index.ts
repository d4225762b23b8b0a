/** The segmentation node types of seeds 004 and 000, for the registry. */
import type { NodeType } from '../sdk';
import consentFilter from './consent-filter';
import crmPublish from './crm-publish';
import dataLoad from './data-load';
import identityResolve from './identity-resolve';
import reportRender from './report-render';
import segmentCluster from './segment-cluster';
import segmentCompare from './segment-compare';
import segmentConfirm from './segment-confirm';
import segmentRfm from './segment-rfm';
import segmentRules from './segment-rules';

export const segmentationNodeTypes: NodeType[] = [
  dataLoad,
  identityResolve,
  consentFilter,
  segmentRfm,
  segmentRules,
  segmentCluster,
  segmentCompare,
  reportRender,
  segmentConfirm,
  crmPublish,
] as NodeType[];

export { checkSensitiveGuardrail } from './guardrail';
