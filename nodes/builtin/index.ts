/** The built-in node types, in palette order. Integration and segmentation families register here too. */
import type { NodeType } from '../sdk';
import { end, manualTrigger, scheduleTrigger, start, webhookTrigger } from './flow';
import transform from './transform';
import router from './router';
import iterator from './iterator';
import aggregator from './aggregator';
import merge from './merge';
import delay from './delay';
import approval from './approval';
import placeholder from './placeholder';
import httpRequest from './http-request';

export const builtinNodeTypes: NodeType[] = [
  start,
  end,
  manualTrigger,
  webhookTrigger,
  scheduleTrigger,
  transform,
  router,
  iterator,
  aggregator,
  merge,
  delay,
  approval,
  httpRequest,
  placeholder,
] as NodeType[];
