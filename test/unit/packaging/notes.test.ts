import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { changelogSection } from '../../../src/core/packaging/notes';

describe('packaging/notes: changelogSection', () => {
  const changelog = [
    '# Changelog',
    '',
    '## [1.10.0](https://x/compare/v1.9.0...v1.10.0) (2025-02-01)',
    '',
    '### Features',
    '',
    '- ten',
    '',
    '## 1.1.0 (2025-01-01)',
    '',
    '- one point one',
    '',
    '## v1.0.0',
    '',
    '- first',
    '',
  ].join('\n');

  it('takes the section of the version up to the next heading of the same level', () => {
    assert.equal(changelogSection(changelog, 'v1.10.0'), '### Features\n\n- ten\n');
    assert.equal(changelogSection(changelog, '1.1.0'), '- one point one\n');
    assert.equal(changelogSection(changelog, 'v1.0.0'), '- first\n');
  });

  it('does not mistake 1.1.0 for a prefix of 1.10.0 or 1.1.0-rc.1, and answers null for a missing version', () => {
    assert.equal(changelogSection('## 1.1.0-rc.1\n\n- rc\n', '1.1.0'), null);
    assert.equal(changelogSection(changelog, '2.0.0'), null);
    assert.equal(changelogSection('## 1.10.0\n\n- ten\n', '1.1.0'), null);
  });

  it('finds any section it is given back, whatever the other sections hold (CRLF too)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z ]{1,20}$/), { minLength: 1, maxLength: 5 }), fc.nat({ max: 4 }), fc.boolean(), (bodies, pick, crlf) => {
        const i = pick % bodies.length;
        const text = bodies.map((b, k) => `## ${k + 1}.0.0\n\n- ${b}\n`).join('\n');
        const got = changelogSection(crlf ? text.replace(/\n/g, '\r\n') : text, `v${i + 1}.0.0`);
        assert.equal(got, `- ${bodies[i]}\n`.replace(/ +\n$/, '\n').trim() + '\n');
      }),
    );
  });
});
