import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { isSecretName, mayNeedRedaction, redact, redactAll, redactDeep, redactJson, registerSecret, registerSecretsFromEnv, secretValuesFromEnv } from '../../../src/core/secrets';
import { redactingLogger, type Logger } from '../../../src/core/log';

describe('secrets: redact', () => {
  it('knows secret-named variables: GITHUB_TOKEN, GH_TOKEN, NPM_TOKEN, *_TOKEN, *_SECRET, *_PASSWORD, *_KEY', () => {
    for (const name of ['GITHUB_TOKEN', 'GH_TOKEN', 'NPM_TOKEN', 'NODE_AUTH_TOKEN', 'SLACK_TOKEN', 'AWS_SECRET', 'client_secret', 'DB_PASSWORD', 'DEPLOY_KEY', 'AWS_SECRET_ACCESS_KEY', 'SONAR_PAT']) {
      assert.ok(isSecretName(name), name);
    }
    for (const name of ['PATH', 'HOME', 'KEYBOARD', 'TOKENIZER_MODE', 'GITHUB_ACTOR', 'SECRETARY', 'PWD']) assert.ok(!isSecretName(name), name);
  });

  it('takes the values of length ≥ 6 only (shorter ones would mask ordinary words)', () => {
    assert.deepEqual(secretValuesFromEnv({ GITHUB_TOKEN: ' tok-123456 ', API_KEY: '12345', HOME: '/home/ada-lovelace', X_SECRET: '' }), ['tok-123456']);
  });

  it('replaces every registered value, as is, JSON-escaped and URL-encoded, until it is forgotten', () => {
    const forget = registerSecret('pa"ss/wo rd');
    try {
      assert.equal(redact('a pa"ss/wo rd b'), 'a *** b');
      assert.equal(redact(JSON.stringify({ v: 'pa"ss/wo rd' })), '{"v":"***"}');
      assert.equal(redact(`x=${encodeURIComponent('pa"ss/wo rd')}`), 'x=***');
    } finally {
      forget();
    }
    assert.equal(redact('a pa"ss/wo rd b'), 'a pa"ss/wo rd b');
  });

  it('registers the secrets of an environment (the CLI passes its own)', () => {
    const forget = registerSecretsFromEnv({ MY_SERVICE_TOKEN: 'svc-tok-77aa', USER: 'ada-lovelace' });
    try {
      assert.equal(redact('svc-tok-77aa by ada-lovelace'), '*** by ada-lovelace');
    } finally {
      forget();
    }
  });

  it('a longer secret that contains a shorter one is masked whole', () => {
    const a = registerSecret('abcdef');
    const b = registerSecret('abcdef-ghijkl');
    try {
      assert.equal(redact('[abcdef-ghijkl] [abcdef]'), '[***] [***]');
    } finally {
      a();
      b();
    }
  });

  const urlCases: Array<[string, string]> = [
    ['https://ghp_abcdefghijklmnopqrstuvwx@github.com/o/r.git', 'https://***@github.com/o/r.git'],
    ['https://TOKEN123@example.com/o/r.git', 'https://***@example.com/o/r.git'],
    ['https://user:pass@example.com/x', 'https://***@example.com/x'],
    ['https://tok:x-oauth-basic@github.com/o/r', 'https://***@github.com/o/r'],
    ['https://example.com/r.git?access_token=abc123&x=1&token=zz9', 'https://example.com/r.git?access_token=***&x=1&token=***'],
    ['see ssh://git@github.com/o/r.git and git+ssh://git@github.com/o/r.git', 'see ssh://git@github.com/o/r.git and git+ssh://git@github.com/o/r.git'],
    ['ssh://git:secretpw@host/r', 'ssh://***@host/r'],
    ['git@github.com:o/r.git', 'git@github.com:o/r.git'],
    ['Authorization: Bearer abc.def.ghi', 'Authorization: Bearer ***'],
    ['token ghp_abcdefghijklmnopqrstuvwx and github_pat_abcdefghijklmnopqrstuvwxyz', 'token *** and ***'],
  ];
  for (const [input, expected] of urlCases) {
    it(`credential forms: ${input}`, () => assert.equal(redact(input), expected));
  }

  it('property: a registered secret never survives, wherever it sits in any text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 6, maxLength: 40 }).filter((s) => !s.includes('*') && s.trim() === s), fc.string(), fc.string(), (secret, before, after) => {
        const forget = registerSecret(secret);
        try {
          const out = redact(before + secret + after + secret);
          assert.ok(!out.includes(secret), JSON.stringify({ secret, out }));
        } finally {
          forget();
        }
      }),
    );
  });

  it('runs in linear time on hostile text (1 MB takes about 10× 100 KB, not 100×)', () => {
    const forget = registerSecret('needle-secret');
    try {
      const hostile = (n: number) => ['a'.repeat(n) + '://' + 'x'.repeat(n), 'token' + ' '.repeat(n), '?token'.repeat(n / 6), 'https://' + 'u:'.repeat(n / 2)].join('\n');
      const work = (n: number) => {
        const text = hostile(n);
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < 3; i++) redact(text);
        return Number(process.hrtime.bigint() - t0);
      };
      work(10_000); // warm up
      const small = work(100_000);
      const large = work(1_000_000);
      // Quadratic would be ~100×; linear ~10×. The generous bound tolerates a noisy machine.
      assert.ok(large / small < 40, `1 MB took ${(large / small).toFixed(1)}× as long as 100 KB`);
    } finally {
      forget();
    }
  });

  it('redactDeep masks keys and values of a document, keeping its shape and a __proto__ key', () => {
    const forget = registerSecret('deep-secret-1');
    try {
      const doc = JSON.parse('{"__proto__":"deep-secret-1","list":["deep-secret-1",1,null,true],"deep-secret-1":{"n":2}}') as unknown;
      assert.equal(JSON.stringify(redactDeep(doc)), '{"__proto__":"***","list":["***",1,null,true],"***":{"n":2}}');
    } finally {
      forget();
    }
  });

  it('redactDeep and redactJson still mask a secret everywhere: nested keys, arrays, inside longer strings, JSON-escaped', () => {
    const forget = registerSecret('nested"secret\\7');
    try {
      const doc = {
        a: { b: [{ 'k nested"secret\\7': ['x nested"secret\\7 y', 2] }] },
        escaped: JSON.stringify('nested"secret\\7'),
        uri: encodeURIComponent('nested"secret\\7'),
        list: [[['nested"secret\\7']]],
        extra: 'ext-value-99 and\nghp_abcdefghijklmnopqrstuvwxyz',
      };
      const expected = '{"a":{"b":[{"k ***":["x *** y",2]}]},"escaped":"\\"***\\"","uri":"***","list":[[["***"]]],"extra":"*** and\\n***"}';
      assert.equal(JSON.stringify(redactDeep(doc, ['ext-value-99'])), expected);
      assert.equal(redactJson(doc, ['ext-value-99']), expected);
      assert.equal(redactJson(doc, ['ext-value-99'], 2), JSON.stringify(JSON.parse(expected), null, 2));
    } finally {
      forget();
    }
  });

  it('redactDeep returns the document itself when its serialization shows nothing to redact', () => {
    const doc = { commits: Array.from({ length: 100 }, (_, i) => ({ sha: `${i}`.padStart(40, 'a'), subject: `feat: token handling ${i}`, url: 'https://github.com/o/r' })) };
    assert.equal(redactDeep(doc, ['not-in-it']), doc);
    assert.equal(mayNeedRedaction(JSON.stringify(doc), ['not-in-it']), false);
    assert.equal(redactJson(doc, [], 2), JSON.stringify(doc, null, 2));
  });

  it('property: redact\'s pre-check never skips a text a replacement would change', () => {
    const forget = registerSecret('kn"own\\s3cret');
    try {
      const piece = fc.constantFrom(
        'kn"own\\s3cret', encodeURIComponent('kn"own\\s3cret'), 'xtra-9', 'ghp_0123456789abcdefXYZ', 'github_pat_0123456789abcdefghijk', 'https://', 'ssh://', 'git+ssh://', 'file://',
        'user:pw', 'git', '@', '/', '?', '#', '&token=', ';sig=', '?key=', 'token', 'TOKEN', 'token\t', 'Authorization', ':', '=', ' ', '\t', 'Bearer ', 'basic ', '\n', '"', "'", '\\', 'a', 'Z9', '_', 'x'.repeat(20),
      );
      fc.assert(
        fc.property(fc.array(piece, { maxLength: 10 }).map((ps) => ps.join('')), fc.boolean(), (text, withExtra) => {
          const extra = withExtra ? ['xtra-9'] : [];
          assert.equal(redact(text, extra), redactAll(text, extra));
        }),
        { numRuns: 3000 },
      );
    } finally {
      forget();
    }
  });

  it('redactJson gives what redacting every string and key one by one gives (property: the pre-check never hides a secret)', () => {
    const forget = registerSecret('kn"own\\s3cret');
    try {
      // Pieces that trip the patterns, next to the characters JSON escapes (the pre-check reads the escaped text).
      const piece = fc.constantFrom(
        'kn"own\\s3cret', JSON.stringify('kn"own\\s3cret'), encodeURIComponent('kn"own\\s3cret'), 'xtra-9', 'ghp_0123456789abcdefXYZ', 'github_pat_0123456789abcdefghijk',
        'https://', 'ssh://', 'user:pw', '@', '/', '?', '&token=', ';sig=', 'token', 'token\t', 'Authorization', ':', '=', ' ', '\t', 'Bearer ', '\n', '"', '\\', '\u0001', 'a', 'Z9', '_', 'x'.repeat(20),
      );
      const text = fc.array(piece, { maxLength: 8 }).map((ps) => ps.join(''));
      const doc = fc.letrec((tie) => ({
        value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(text, tie('value'), { maxKeys: 3 })),
      })).value;
      const oneByOne = (v: unknown, extra: string[]): unknown => {
        if (typeof v === 'string') return redact(v, extra);
        if (Array.isArray(v)) return v.map((x) => oneByOne(x, extra));
        if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [redact(k, extra), oneByOne(x, extra)]));
        return v;
      };
      fc.assert(
        fc.property(doc, fc.boolean(), (d, withExtra) => {
          const extra = withExtra ? ['xtra-9'] : [];
          const expected = JSON.stringify(oneByOne(d, extra));
          assert.equal(redactJson(d, extra), expected);
          assert.equal(JSON.stringify(redactDeep(d, extra)), expected);
        }),
        { numRuns: 2000 },
      );
    } finally {
      forget();
    }
  });

  it('redactingLogger masks every level', () => {
    const lines: string[] = [];
    const sink: Logger = { trace: (m) => lines.push(m), debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(String(m)) };
    const log = redactingLogger(sink, ['log-secret-9']);
    log.trace('a log-secret-9');
    log.info('https://t0ken99@h/x');
    log.error(new Error('boom log-secret-9'));
    assert.deepEqual(lines.slice(0, 2), ['a ***', 'https://***@h/x']);
    assert.match(lines[2], /^Error: boom \*\*\*/);
  });
});
