import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { prependChangelog, renderChangelogSection } from '../../../src/core/versioning/changelog';
import { commit } from './helpers';

describe('versioning/changelog', () => {
  it('a release of only chores says there are no user-facing changes instead of an empty section', async () => {
    const chores = [await commit('chore(deps): update x to v4.8.1'), await commit('ci: cache')];
    assert.equal(renderChangelogSection(chores, { version: '1.0.1', date: '2024-05-01' }), '## 1.0.1 (2024-05-01)\n\nNo user-facing changes (2 commits of other types).\n');
    assert.equal(renderChangelogSection(chores.slice(0, 1), { version: '1.0.1', date: '2024-05-01', note: 'Forced.' }), '## 1.0.1 (2024-05-01)\n\nForced.\n\nNo user-facing changes (1 commit of other types).\n');
    assert.equal(renderChangelogSection([], { version: '1.0.1', date: '2024-05-01' }), '## 1.0.1 (2024-05-01)\n', 'no commits at all: nothing to say');
  });

  it('renders sections with bold scopes, linked short SHAs and a compare link', async () => {
    const feat = await commit('feat(api): add search');
    const fix = await commit('fix: crash on start');
    const brk = await commit('refactor(core)!: drop the old config\n\nBREAKING CHANGE: `.sdlcrc` is no longer read');
    const perf = await commit('perf: faster log');
    const chore = await commit('chore: tidy');
    const md = renderChangelogSection([feat, fix, brk, perf, chore], {
      version: '2.0.0', tag: 'v2.0.0', previousTag: 'v1.4.0', date: '2024-05-01', github: { owner: 'acme', repo: 'tool' },
    });
    const link = (c: { sha: string }) => `[${c.sha.slice(0, 7)}](https://github.com/acme/tool/commit/${c.sha})`;
    assert.equal(
      md,
      [
        '## [2.0.0](https://github.com/acme/tool/compare/v1.4.0...v2.0.0) (2024-05-01)',
        '',
        '### Breaking changes',
        '',
        `* **core:** \`.sdlcrc\` is no longer read (${link(brk)})`,
        '',
        '### Features',
        '',
        `* **api:** add search (${link(feat)})`,
        '',
        '### Bug fixes',
        '',
        `* crash on start (${link(fix)})`,
        '',
        '### Performance',
        '',
        `* faster log (${link(perf)})`,
        '',
      ].join('\n'),
    );
  });

  it('without GitHub: plain version and short SHAs; configurable sections; reverts', async () => {
    const feat = await commit('feat: x');
    const rev = await commit(`Revert "feat: old"\n\nThis reverts commit ${'e'.repeat(40)}.`);
    const docs = await commit('docs(readme): words');
    const md = renderChangelogSection([feat, rev, docs], {
      version: '1.1.0', date: '2024-05-01',
      sections: [{ title: 'Reverts', types: ['revert'] }, { title: 'Documentation', types: ['docs'] }],
    });
    assert.equal(md, `## 1.1.0 (2024-05-01)\n\n### Reverts\n\n* feat: old (${rev.sha.slice(0, 7)})\n\n### Documentation\n\n* **readme:** words (${docs.sha.slice(0, 7)})\n`);
  });

  it('prepends after a top `# Changelog` title and intro, keeping the rest byte for byte', () => {
    const old = '# Changelog\n\nAll notable changes.\n\n## 1.0.0 (2024-01-01)\n\n* first\n';
    const out = prependChangelog(old, '## 1.1.0 (2024-02-01)\n\n* second\n');
    assert.equal(out, '# Changelog\n\nAll notable changes.\n\n## 1.1.0 (2024-02-01)\n\n* second\n\n## 1.0.0 (2024-01-01)\n\n* first\n');
  });

  it('underlined titles and headings (requests\' HISTORY.md): after the title and intro, before the first release', () => {
    const old = 'Release History\n===============\n\ndev\n---\n\n- change\n\n2.32.3 (2024-05-29)\n-------------------\n\n**Bugfixes**\n';
    assert.equal(prependChangelog(old, '## 2.34.3 (2026-12-04)\n\n* a\n'), 'Release History\n===============\n\n## 2.34.3 (2026-12-04)\n\n* a\n\ndev\n---\n\n- change\n\n2.32.3 (2024-05-29)\n-------------------\n\n**Bugfixes**\n');
    const crlf = 'History\r\n=======\r\n\r\nIntro.\r\n\r\n1.0.0\r\n-----\r\n';
    assert.equal(prependChangelog(crlf, '## 1.1.0\n'), 'History\r\n=======\r\n\r\nIntro.\r\n\r\n## 1.1.0\r\n\r\n1.0.0\r\n-----\r\n');
    // A `# Title` file whose releases are underlined; a rule (`---` after a blank line) is no heading.
    assert.equal(prependChangelog('# Changes\n\n---\n\n1.0.0\n-----\n', '## 1.1.0\n'), '# Changes\n\n---\n\n## 1.1.0\n\n1.0.0\n-----\n');
    // No title: the section goes on top, as before.
    assert.equal(prependChangelog('1.0.0\n-----\n', '## 1.1.0\n'), '## 1.1.0\n\n1.0.0\n-----\n');
  });

  it('creates the file when missing and keeps CRLF files CRLF', () => {
    assert.equal(prependChangelog(null, '## 1.0.0\n'), '# Changelog\n\n## 1.0.0\n');
    assert.equal(prependChangelog('## 0.1.0\r\n', '## 1.0.0\n\n* a\n'), '## 1.0.0\r\n\r\n* a\r\n\r\n## 0.1.0\r\n');
    assert.equal(prependChangelog('# Changelog', '## 1.0.0\n'), '# Changelog\n\n## 1.0.0\n');
  });

  it('trims a section\'s trailing line breaks in linear time (a 600,000-character run of \\n\\r ends in one line break)', () => {
    const run = '\n\r'.repeat(300_000);
    assert.equal(prependChangelog(null, `## 1.0.0${run}x\n\n\n`), '# Changelog\n\n## 1.0.0' + run + 'x\n');
    assert.equal(prependChangelog('# Changelog\r\n', `## 1.0.0\n\n`), '# Changelog\r\n\r\n## 1.0.0\r\n');
  });

  it('property: the old file stays byte for byte (title on top, everything else as the suffix)', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.array(fc.constantFrom('# Changelog', '## 1.0.0', '### Features', '* x', '', 'intro', '\r', '#', '##', 'History', '=====', '-----', '1.0.0 (2024-01-01)'), { maxLength: 10 }).map((l) => l.join('\n')),
    );
    fc.assert(
      fc.property(text, fc.string({ maxLength: 40 }), (old, body) => {
        const section = `## 9.9.9 (2024-01-01)\n\n${body}\n`;
        const out = prependChangelog(old, section);
        if (old === '') return;
        // The old file survives whole, split into a head (kept on top) and a rest (kept at the end)
        // around the new section: take the longest head `out` starts with, the rest must end `out`.
        let k = 0;
        while (k < old.length && old[k] === out[k]) k++;
        const rest = old.slice(k);
        assert.ok(out.endsWith(rest), 'the rest of the old file ends the new one');
        assert.ok(out.slice(k, out.length - rest.length).includes('9.9.9 (2024-01-01)'), 'the new section sits between');
        assert.ok(out.length > old.length);
        const lines = old.split('\n');
        const underlinedTitle = lines.length > 1 && lines[0].trim() !== '' && !/^[-=]+[ \t]*\r?$/.test(lines[0]) && /^={2,}[ \t]*\r?$/.test(lines[1]);
        if (!old.startsWith('# ') && !underlinedTitle) assert.ok(out.endsWith(old), 'without a title the old file is the suffix');
        else assert.ok(out.startsWith(old.split(/\r?\n/)[0]), 'the title stays on top');
      }),
      { numRuns: 300 },
    );
  });
});

describe('versioning/changelog: a UTF-8 BOM (issue 8)', () => {
  it('stays the first thing of the file; the section goes after the title', () => {
    const out = prependChangelog('\uFEFF# Changelog\n\n## 1.0.0\n\nold\n', '## 1.1.0\n\nnew\n');
    assert.equal(out, '\uFEFF# Changelog\n\n## 1.1.0\n\nnew\n\n## 1.0.0\n\nold\n');
    assert.equal(out.indexOf('\uFEFF'), 0);
    assert.equal(out.lastIndexOf('\uFEFF'), 0);
    assert.equal(prependChangelog('\uFEFF', '## 1.0.0\n'), '\uFEFF# Changelog\n\n## 1.0.0\n');
  });

  it('property: the old text (after its BOM) is kept byte for byte and the BOM is never duplicated', () => {
    fc.assert(
      fc.property(fc.string(), fc.boolean(), (body, bom) => {
        const old = (bom ? '\uFEFF' : '') + body.replace(/\uFEFF/g, '');
        const out = prependChangelog(old, '## 9.9.9\n\nx\n');
        assert.equal(out.startsWith('\uFEFF'), bom);
        assert.ok(out.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n').includes(old.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n').slice(0, 20)));
        assert.equal((out.match(/\uFEFF/g) ?? []).length, bom ? 1 : 0);
      }),
    );
  });
});
