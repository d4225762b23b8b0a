/** Builds the registry every process uses: built-ins plus the custom folders in SWITCHYARD_NODES. */
import { builtinNodeTypes } from './builtin';
import { loadNodeFolders } from './custom-folders';
import { integrationNodeTypes } from './integrations';
import { NodeRegistry } from './registry';
import { checkSensitiveGuardrail, segmentationNodeTypes } from './segmentation';

/**
 * @example const registry = await createRegistry(process.env.SWITCHYARD_NODES);
 */
export async function createRegistry(customFolders?: string): Promise<NodeRegistry> {
  const registry = new NodeRegistry([...builtinNodeTypes, ...integrationNodeTypes, ...segmentationNodeTypes]);
  registry.addScenarioCheck(checkSensitiveGuardrail);
  await loadNodeFolders(registry, customFolders);
  return registry;
}

export { loadNodeFolder, loadNodeFolders } from './custom-folders';
export { NodeRegistry } from './registry';
export * from './sdk';
