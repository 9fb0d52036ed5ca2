import { AppConfig, ConfigError } from '../../libs/config/src/app-config';

/** The problems AppConfig.fromEnv reports for `env` (none: it loaded); any other error fails the test. */
export function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    AppConfig.fromEnv(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}
