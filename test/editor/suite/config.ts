// Where the suite finds its inputs. The launchers write `suite-config.json` next to the bundled suite
// (code-server) or set KOL_EDITOR_SUITE_CONFIG (test-electron); defaults assume the repository layout.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface SuiteConfig {
  repoRoot: string;
  corpusDir: string;
  /** 'vsix': the extension under test must be the one installed from the .vsix, not the repository. */
  expectInstall: 'dev' | 'vsix';
  /** Folder where the suite and the launcher hand over (screenshots, status-bar questions); null: none. */
  handshakeDir: string | null;
  /** Take the README screenshots (the launcher was given a folder for them). */
  screenshots: boolean;
  /** The workspace is in Restricted Mode: run the restricted-mode tests only. */
  restricted: boolean;
  /** Only the tests whose name contains this (KOL_EDITOR_ONLY, while working on them); null: all. */
  only?: string | null;
}

export function loadConfig(): SuiteConfig {
  const file = process.env.KOL_EDITOR_SUITE_CONFIG ?? path.join(__dirname, 'suite-config.json');
  const repoRoot = path.resolve(__dirname, '../..');
  const base: SuiteConfig = {
    repoRoot,
    corpusDir: path.resolve(repoRoot, 'test-fixtures/corpus'),
    expectInstall: 'dev',
    handshakeDir: null,
    screenshots: false,
    restricted: false,
  };
  if (!existsSync(file)) return base;
  return { ...base, ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<SuiteConfig>) };
}
