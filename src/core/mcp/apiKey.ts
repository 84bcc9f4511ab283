/**
 * Where the API key for an HTTP server comes from. Pluggable: the VS Code host reads
 * SecretStorage, the CLI an environment variable. The key is read at every (re)connect so
 * a rotated key is picked up, and the connection layer redacts it from every log line and
 * error message.
 */
export interface ApiKeySource {
  /** The key, or undefined when none is configured. */
  get(): Promise<string | undefined>;
  /** Where the key comes from, for messages ("environment variable X"); never the key itself. */
  readonly description: string;
}

export function envApiKeySource(variable: string, env: NodeJS.ProcessEnv = process.env): ApiKeySource {
  return {
    description: `environment variable ${variable}`,
    get: async () => {
      const value = env[variable]?.trim();
      return value ? value : undefined;
    },
  };
}
