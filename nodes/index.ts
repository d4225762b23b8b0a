/** Builds the registry every process uses: built-ins plus the custom folders in SWITCHYARD_NODES. */
import { builtinNodeTypes } from './builtin';
import { loadNodeFolders, type NodeFolderOptions } from './custom-folders';
import { integrationNodeTypes } from './integrations';
import { NodeRegistry } from './registry';
import { checkSensitiveGuardrail, segmentationNodeTypes } from './segmentation';

/**
 * Throws a `NodeFileError` naming the first custom node file that cannot be loaded, unless
 * `options.onBrokenFile` takes it (and the file is skipped).
 *
 * @example const registry = await createRegistry(process.env.SWITCHYARD_NODES);
 */
export async function createRegistry(customFolders?: string, options: NodeFolderOptions = {}): Promise<NodeRegistry> {
  const registry = new NodeRegistry([...builtinNodeTypes, ...integrationNodeTypes, ...segmentationNodeTypes]);
  registry.addScenarioCheck(checkSensitiveGuardrail);
  await loadNodeFolders(registry, customFolders, options);
  return registry;
}

export { loadNodeFolder, loadNodeFolders, NodeFileError, type NodeFolderOptions } from './custom-folders';
export { NodeRegistry } from './registry';
export * from './sdk';
