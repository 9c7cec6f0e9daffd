import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ReleaseAsset, ReleaseInfo } from '../../core/github/releases';
import type { ArtifactRecord, BuiltPackage, PackageTarget } from '../../core/packaging';
import { CommandIds } from '../ids';
import type { PackagesModel, PackagesStore } from './packagesStore';
import { formatAgoIso, formatBytes } from '../../core/format';

const { Collapsed, Expanded, None } = vscode.TreeItemCollapsibleState;

export type PackagesNode =
  | { kind: 'repository'; model: PackagesModel }
  | { kind: 'target'; model: PackagesModel; target: PackageTarget | { name: string; kind: string; origin: 'recorded' } }
  | { kind: 'build'; model: PackagesModel; build: BuiltPackage }
  | { kind: 'artifact'; model: PackagesModel; build: BuiltPackage; artifact: ArtifactRecord }
  | { kind: 'releases'; model: PackagesModel }
  | { kind: 'release'; model: PackagesModel; release: ReleaseInfo }
  | { kind: 'asset'; model: PackagesModel; release: ReleaseInfo; asset: ReleaseAsset }
  | { kind: 'message'; id: string; label: string; icon: string; tooltip?: string; command?: vscode.Command };

export function isPackagesNode(value: unknown): value is PackagesNode {
  return typeof value === 'object' && value !== null && 'kind' in value && ('model' in value || (value as { kind: unknown }).kind === 'message');
}


function exactTime(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** The tool a detected target is built with, and the manifest it was detected from. */
const DETECTED: Record<string, { tool: string; from: string }> = {
  npm: { tool: 'npm pack', from: 'package.json' },
  vsix: { tool: 'vsce package', from: 'package.json (engines.vscode)' },
  python: { tool: 'python3 -m build', from: 'pyproject.toml / setup.py' },
  cargo: { tool: 'cargo package', from: 'Cargo.toml' },
  go: { tool: 'go build -trimpath', from: 'go.mod with a main package' },
};

/** Maps the PackagesStore to tree items: [repository →] targets → versions → artifacts; Releases → release → assets. */
export class PackagesTree implements vscode.TreeDataProvider<PackagesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PackagesNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: PackagesStore) {
    this.subscription = store.onDidChange(() => this.changed.fire(undefined));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  getChildren(node?: PackagesNode): PackagesNode[] {
    if (!node) {
      if (this.store.state === 'loading') return [{ kind: 'message', id: 'loading', label: 'Loading packages…', icon: 'loading~spin' }];
      if (this.store.state === 'noRepositories') return [];
      const models = this.store.list();
      if (models.length === 0) return [{ kind: 'message', id: 'loading', label: 'Loading packages…', icon: 'loading~spin' }];
      return models.length === 1 ? this.repositoryChildren(models[0]) : models.map((model) => ({ kind: 'repository', model }));
    }
    switch (node.kind) {
      case 'repository':
        return this.repositoryChildren(node.model);
      case 'target':
        return node.model.builds.filter((b) => b.record.target === node.target.name).map((build) => ({ kind: 'build', model: node.model, build }));
      case 'build':
        return node.build.record.artifacts.map((artifact) => ({ kind: 'artifact', model: node.model, build: node.build, artifact }));
      case 'releases':
        return this.releaseChildren(node.model);
      case 'release':
        return node.release.assets.map((asset) => ({ kind: 'asset', model: node.model, release: node.release, asset }));
      default:
        return [];
    }
  }

  private repositoryChildren(model: PackagesModel): PackagesNode[] {
    const out: PackagesNode[] = [];
    if (model.loading && model.targets.length === 0 && model.builds.length === 0) out.push({ kind: 'message', id: `${model.repo.root}:loading`, label: 'Loading…', icon: 'loading~spin' });
    if (model.error) out.push({ kind: 'message', id: `${model.repo.root}:error`, label: model.error, icon: 'error', tooltip: model.error, command: { command: CommandIds.showLog, title: 'Show Log' } });
    const names = new Set(model.targets.map((t) => t.name));
    for (const target of model.targets) out.push({ kind: 'target', model, target });
    // Builds of targets no longer configured stay visible (they can still be published or deleted).
    for (const b of model.builds) {
      if (names.has(b.record.target)) continue;
      names.add(b.record.target);
      out.push({ kind: 'target', model, target: { name: b.record.target, kind: b.record.kind, origin: 'recorded' } });
    }
    if (!model.loading && model.targets.length === 0 && model.builds.length === 0 && !model.error) {
      out.push({
        kind: 'message',
        id: `${model.repo.root}:empty`,
        label: 'No package targets: add "packageTargets" to .sdlc.json',
        icon: 'info',
        tooltip: 'No packageTargets in .sdlc.json and no package.json, pyproject.toml, Cargo.toml or Go main package at the root.',
      });
    }
    if (model.releases.status !== 'unavailable') out.push({ kind: 'releases', model });
    return out;
  }

  private releaseChildren(model: PackagesModel): PackagesNode[] {
    const r = model.releases;
    const id = (s: string) => `${model.repo.root}:releases:${s}`;
    switch (r.status) {
      case 'unavailable':
        return [];
      case 'signedOut':
        return [{ kind: 'message', id: id('signedOut'), label: 'Sign in to GitHub to see releases', icon: 'account', command: { command: CommandIds.signIn, title: 'Sign in' } }];
      case 'loading':
        return [{ kind: 'message', id: id('loading'), label: 'Loading releases…', icon: 'loading~spin' }];
      case 'error':
        return [{ kind: 'message', id: id('error'), label: r.message, icon: 'error', tooltip: r.message, command: { command: CommandIds.packagesRefresh, title: 'Retry' } }];
      case 'ready':
        if (r.releases.length === 0) return [{ kind: 'message', id: id('empty'), label: 'No releases yet — Publish Release…', icon: 'info', command: { command: CommandIds.packagesPublish, title: 'Publish Release', arguments: [{ repository: model.repo.root }] } }];
        return r.releases.map((release) => ({ kind: 'release', model, release }));
    }
  }

  getTreeItem(node: PackagesNode): vscode.TreeItem {
    switch (node.kind) {
      case 'message': {
        const item = new vscode.TreeItem(node.label, None);
        item.id = `message:${node.id}`;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.tooltip = node.tooltip;
        item.command = node.command;
        item.contextValue = 'message';
        return item;
      }
      case 'repository': {
        const item = new vscode.TreeItem(node.model.repo.name, Expanded);
        item.id = `repo:${node.model.repo.root}`;
        item.iconPath = new vscode.ThemeIcon('repo');
        item.tooltip = node.model.repo.root;
        item.contextValue = 'repository';
        return item;
      }
      case 'target': {
        const t = node.target;
        const builds = node.model.builds.filter((b) => b.record.target === t.name);
        const item = new vscode.TreeItem(t.name, builds.length ? Expanded : None);
        item.id = `target:${node.model.repo.root}:${t.name}`;
        const tool = 'command' in t && t.command ? t.command : DETECTED[t.kind]?.tool;
        const dir = 'dir' in t && t.dir !== '.' ? t.dir : '';
        item.description = [t.kind !== t.name && t.kind !== 'command' ? t.kind : '', tool ?? '', dir, t.origin === 'recorded' ? 'no longer configured' : '', builds.length === 0 ? 'not built yet' : ''].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon('package');
        item.tooltip =
          t.origin === 'recorded'
            ? `${t.name}: builds recorded in ${node.model.artifactsDir}; the target is no longer in .sdlc.json or detected.`
            : t.origin === 'config'
              ? `${t.name} (from .sdlc.json)\n${tool ?? ''}${dir ? ` in ${dir}` : ''}\nartifacts: ${('artifacts' in t ? (t.artifacts ?? []) : []).join(', ')}`
              : `${t.name}: detected from ${DETECTED[t.kind]?.from ?? t.kind}${dir ? ` in ${dir}` : ''}\nbuilt with ${tool ?? t.kind}; artifacts in ${node.model.artifactsDir}`;
        item.contextValue = 'target';
        return item;
      }
      case 'build': {
        const r = node.build.record;
        const item = new vscode.TreeItem(r.version, Collapsed);
        item.id = `build:${node.build.folder}`;
        const marks = [r.dirty ? 'dirty' : '', r.tag ? `from ${r.tag}` : '', r.reproducible ? (r.reproducible.ok ? 'reproducible' : 'not reproducible') : ''].filter(Boolean);
        item.description = [formatAgoIso(r.time) ?? '', ...marks].filter(Boolean).join(' · ');
        item.iconPath = r.reproducible && !r.reproducible.ok ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : r.dirty ? new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor('gitDecoration.modifiedResourceForeground')) : new vscode.ThemeIcon('versions');
        const md = new vscode.MarkdownString(
          `**${r.target} ${r.version}**\n\ncommit \`${r.commit?.slice(0, 12) ?? 'none'}\`${r.dirty ? ' (dirty working tree)' : ''}  \n${r.tag ? `built from tag ${r.tag}  \n` : ''}${r.tool.name} ${r.tool.version ?? ''}  \nbuilt ${exactTime(r.time)}${
            r.reproducible ? `\n\n${r.reproducible.ok ? 'Reproducible: two clean builds gave the same sha256.' : `Not reproducible: ${r.reproducible.differs.map((d) => d.name + (d.entries?.length ? ` (${d.entries.slice(0, 5).join(', ')})` : '')).join('; ')}`}` : ''
          }`,
        );
        item.tooltip = md;
        item.contextValue = 'build';
        return item;
      }
      case 'artifact': {
        const a = node.artifact;
        const r = node.build.record;
        const item = new vscode.TreeItem(a.name, None);
        item.id = `artifact:${node.build.folder}:${a.name}`;
        const reproducible = r.reproducible ? (r.reproducible.differs.some((d) => d.name === a.name) ? 'differs between builds' : 'reproducible') : '';
        item.description = [formatBytes(a.bytes), r.dirty ? 'dirty' : '', reproducible].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon('file-binary');
        item.tooltip = new vscode.MarkdownString(`**${a.name}**\n\n${a.bytes} bytes  \nsha256 \`${a.sha256}\`${a.sbom ? `  \nSBOM ${a.sbom}` : ''}`);
        item.resourceUri = vscode.Uri.file(path.join(node.build.folder, a.name));
        item.contextValue = 'artifact';
        return item;
      }
      case 'releases': {
        const r = node.model.releases;
        const item = new vscode.TreeItem('Releases', Expanded);
        item.id = `releases:${node.model.repo.root}`;
        item.iconPath = new vscode.ThemeIcon('github');
        item.description = r.status === 'ready' ? `${r.releases.length} on GitHub` : '';
        item.contextValue = 'releases';
        return item;
      }
      case 'release': {
        const rel = node.release;
        const item = new vscode.TreeItem(rel.name && rel.name !== rel.tag ? `${rel.tag} — ${rel.name}` : rel.tag, rel.assets.length ? Collapsed : None);
        item.id = `release:${node.model.repo.root}:${rel.id}`;
        const flags = [rel.draft ? 'draft' : '', rel.prerelease ? 'prerelease' : '', rel.latest ? 'latest' : ''].filter(Boolean);
        item.description = [...flags, `${rel.assets.length} asset${rel.assets.length === 1 ? '' : 's'}`].join(' · ');
        item.iconPath = new vscode.ThemeIcon(rel.draft ? 'edit' : rel.latest ? 'star-full' : 'tag');
        item.tooltip = new vscode.MarkdownString(`**${rel.tag}**${flags.length ? ` (${flags.join(', ')})` : ''}\n\n${rel.publishedAt ? `published ${exactTime(rel.publishedAt)}` : 'not published (draft)'}${rel.author ? ` by ${rel.author}` : ''}\n\n${rel.body ?? ''}`);
        item.contextValue = `release${rel.draft ? ' draft' : ''}`;
        return item;
      }
      case 'asset': {
        const a = node.asset;
        const item = new vscode.TreeItem(a.name, None);
        item.id = `asset:${node.model.repo.root}:${a.id}`;
        item.description = `${formatBytes(a.size)} · ${a.downloadCount} download${a.downloadCount === 1 ? '' : 's'} · ${a.contentType}`;
        item.iconPath = new vscode.ThemeIcon('cloud-download');
        item.tooltip = new vscode.MarkdownString(`**${a.name}**\n\n${a.size} bytes · ${a.contentType}  \n${a.downloadCount} downloads${a.digest ? `  \n\`${a.digest}\`` : ''}`);
        item.contextValue = 'asset';
        return item;
      }
    }
  }
}
