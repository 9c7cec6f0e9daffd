import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { SdlcError } from '../../../src/core/errors';
import { formatCommand, parseCommandLine, quoteArg, splitCommand } from '../../../src/core/testing/command';

function invalid(command: string): SdlcError {
  try {
    splitCommand(command);
  } catch (e) {
    assert.ok(e instanceof SdlcError && e.code === 'InvalidCommand' && e.usage, String(e));
    return e;
  }
  assert.fail(`expected ${JSON.stringify(command)} to be refused`);
}

describe('testing/command', () => {
  it('splits words on whitespace and honours quotes and backslashes like a POSIX shell', () => {
    assert.deepEqual(splitCommand('npm run test:unit -- --reporter json'), ['npm', 'run', 'test:unit', '--', '--reporter', 'json']);
    assert.deepEqual(splitCommand(`  mocha  'spec dir/**/*.ts'\t"a \\"b\\" \\$c \\d"  `), ['mocha', 'spec dir/**/*.ts', 'a "b" $c \\d']);
    assert.deepEqual(splitCommand(`echo it\\'s a''b "" ''`), ['echo', "it's", 'ab', '', '']);
    assert.deepEqual(splitCommand('a\\ b c\\\nd'), ['a b', 'cd']);
    assert.deepEqual(splitCommand('node -e "console.log(1 && 2)"'), ['node', '-e', 'console.log(1 && 2)']);
    assert.deepEqual(splitCommand("echo '&&' \\|"), ['echo', '&&', '|']);
  });

  it('refuses empty commands, unterminated quotes and shell operators with a clear message', () => {
    assert.match(invalid('   ').message, /is empty/);
    assert.match(invalid("echo 'oops").message, /unterminated single quote/);
    assert.match(invalid('echo "oops').message, /unterminated double quote/);
    assert.match(invalid('npm test && npm run lint').message, /shell operator "&&"/);
    invalid('npm test | tee out.txt');
    invalid('npm test > out.txt');
    invalid('echo \\');
  });

  it('takes leading NAME=value words as environment', () => {
    assert.deepEqual(parseCommandLine('CI=1 NODE_OPTIONS="--max-old-space-size=4096" npm test'), {
      argv: ['npm', 'test'],
      env: { CI: '1', NODE_OPTIONS: '--max-old-space-size=4096' },
    });
    assert.deepEqual(parseCommandLine('A=1').argv, ['A=1']);
  });

  it('property: quoting then splitting gives the words back', () => {
    const word = fc.string({ unit: 'grapheme', maxLength: 12 });
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), (words) => {
        assert.deepEqual(splitCommand(formatCommand(words)), words);
      }),
      { numRuns: 500 },
    );
    assert.equal(quoteArg('plain-arg_1.0'), 'plain-arg_1.0');
  });

  it('property: any string either splits into words or is refused as InvalidCommand', () => {
    const chars = fc.constantFrom(' ', '\t', '\n', "'", '"', '\\', '&', '|', ';', '>', '$', 'a', 'b', 'é', '=');
    const text = fc.oneof(fc.string(), fc.array(chars, { maxLength: 30 }).map((c) => c.join('')));
    fc.assert(
      fc.property(text, (s) => {
        try {
          const words = splitCommand(s);
          assert.ok(words.length > 0);
        } catch (e) {
          assert.ok(e instanceof SdlcError && e.code === 'InvalidCommand', String(e));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('property: unquoted words without special characters split on whitespace', () => {
    const plain = fc.stringMatching(/^[A-Za-z0-9_.:/=-]{1,10}$/);
    fc.assert(
      fc.property(fc.array(plain, { minLength: 1, maxLength: 8 }), fc.constantFrom(' ', '  ', '\t'), (words, sep) => {
        assert.deepEqual(splitCommand(words.join(sep)), words);
      }),
    );
  });
});
