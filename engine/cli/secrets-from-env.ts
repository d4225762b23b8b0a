/** Secrets for CLI runs: `SWITCHYARD_SECRET_<NAME>` environment variables (the server keeps them encrypted in the store). */

/**
 * @example secretsFromEnv({ SWITCHYARD_SECRET_BRAZE_KEY: 'k' }) // → { BRAZE_KEY: 'k' }
 */
export function secretsFromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('SWITCHYARD_SECRET_') && value !== undefined) secrets[key.slice('SWITCHYARD_SECRET_'.length)] = value;
  }
  return secrets;
}
