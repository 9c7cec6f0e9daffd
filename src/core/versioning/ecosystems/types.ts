import type { SdlcError } from '../../errors';

export type EcosystemId = 'npm' | 'lerna' | 'cargo' | 'python' | 'maven' | 'gradle' | 'go' | 'helm' | 'dotnet' | 'versionFiles';

/**
 * The files of one repository as adapters see them: paths relative to the repository root,
 * `/`-separated, never `..` (the adapters only read; writing is the release transaction's job).
 */
export interface RepoFiles {
  /** The text of a file, or null when there is none (or it is not a regular file). */
  read(file: string): Promise<string | null>;
  /** Names of the sub-folders of a folder (empty when there is none). */
  folders(dir: string): Promise<string[]>;
  /** Names of the regular files of a folder (empty when there is none). */
  fileNames(dir: string): Promise<string[]>;
}

/** 1-based line and column in a file. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** Which manifest(s) of a folder an ecosystem claims. */
export interface Detected {
  ecosystem: EcosystemId;
  /** The package folder, relative to the root (`.` for the root). */
  dir: string;
  /** Its manifests, relative to the root; the first is the one the version is read from. */
  manifests: string[];
}

/** Where a package's version lives and what it says. */
export interface VersionInfo {
  /** Package name when the manifest has one (`name` in Cargo.toml, package.json, `artifactId` …). */
  name: string | null;
  /** The version as written; null when the ecosystem keeps none in files (Go: tags only). */
  version: string | null;
  /** One line for a person (the tooltip), e.g. "Cargo.toml [workspace.package] version". */
  where: string;
  /** Where the version's text starts; null when there is none. */
  location: SourceLocation | null;
  /** Things a person should know that do not stop a release (e.g. a Go module path without /vN). */
  warnings: string[];
}

/** A file the release rewrites: its text before and after (only the version's bytes differ). */
export interface FileEdit {
  file: string;
  before: string;
  after: string;
}

export interface EcosystemAdapter {
  id: EcosystemId;
  /** Whether this ecosystem owns `dir`, and through which manifests. */
  detect(dir: string, files: RepoFiles): Promise<Detected | null>;
  /** Reads the version; bad input → SdlcError (usage) naming file:line:column where there is one. */
  readVersion(dir: string, files: RepoFiles): Promise<VersionInfo>;
  /** Edits of every file where the version of `dir` lives (manifest, workspace root, version file). */
  writeVersion(dir: string, files: RepoFiles, version: string): Promise<FileEdit[]>;
  /** Workspace member folders declared by the manifest in `dir` (relative to the root, sorted). */
  members?(dir: string, files: RepoFiles): Promise<string[]>;
  /** Lockfile edits for members that move to new versions (`versions`: member folder → version). */
  lockfiles?(dir: string, files: RepoFiles, versions: ReadonlyMap<string, string>): Promise<FileEdit[]>;
  /** Internal requirement updates in the members' manifests (`versions`: member folder → version). */
  dependencyEdits?(dir: string, files: RepoFiles, versions: ReadonlyMap<string, string>): Promise<FileEdit[]>;
  /** Warnings about releasing `version` (e.g. Go major ≥ 2 without /vN). */
  checkNext?(dir: string, files: RepoFiles, version: string): Promise<string[]>;
}

export type { SdlcError };
