import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { SdlcError } from '../../../src/core/errors';
import { formatCommand, parseCommandLine, quoteArg, scriptCommands, splitCommand } from '../../../src/core/testing/command';

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

  it('refuses what a shell would run as something else: ; and line breaks, glued operators, expansions, comments, ~ (issue 8, 21)', () => {
    const cases: Array<[string, RegExp]> = [
      ['npm test;rm -rf build', /runs more than one command \(;\).*without a shell.*Put the steps in a script.*or quote the ";"/],
      ['npm test ; npm run lint', /runs more than one command \(;\)/],
      ['npm test\nnpm run lint', /runs more than one command \(a line break\).*quote the line break/],
      ['npm test&&npm run lint', /shell operator "&&"/],
      ['mocha|tee out', /shell operator "\|"/],
      ['mocha 2>&1', /shell operator ">&"/],
      ['mocha >out.txt', /shell operator ">"/],
      ['node x.js &', /shell operator "&"/],
      ['(cd x)', /shell operator "\("/],
      ['echo $HOME', /shell expansion "\$HOME".*"env"/],
      ['echo "${HOME}/x"', /shell expansion "\$\{HOME\}"/],
      ['echo "$(id -u)"', /shell expansion "\$\(id -u\)"/],
      ['echo `id`', /shell expansion "`…`"/],
      ['echo "`id`"', /shell expansion/],
      ['mocha $1', /shell expansion "\$1"/],
      ['mocha # the unit tests', /shell comment/],
      ['mocha ~/specs', /"~" for the home directory/],
      ['HOME_DIR=~/x mocha', /"~"/],
      ['a\u0000b', /NUL/],
    ];
    for (const [command, message] of cases) assert.match(invalid(command).message, message, command);
  });

  it('accepts what a shell reads as plain words: quoted operators, literal $, # and ~ inside words, globs as written', () => {
    assert.deepEqual(splitCommand(`node -e 'a; b' "x && y" a\\;b`), ['node', '-e', 'a; b', 'x && y', 'a;b']);
    assert.deepEqual(splitCommand(`mocha --grep '^x$' "cost: 5$" a#b x~y '~' "$"`), ['mocha', '--grep', '^x$', 'cost: 5$', 'a#b', 'x~y', '~', '$']);
    // Quoted line breaks are part of the argument, as in a shell.
    assert.deepEqual(splitCommand('node -e "line1\nline2" \'a\nb\''), ['node', '-e', 'line1\nline2', 'a\nb']);
    assert.deepEqual(splitCommand('mocha test/**/*.spec.js'), ['mocha', 'test/**/*.spec.js']);
  });

  it('property: words joined by a command separator or operator, glued or spaced, are refused, never run as one command', () => {
    const plain = fc.stringMatching(/^[A-Za-z0-9_./-]{1,8}$/);
    const op = fc.constantFrom(';', '\n', '&&', '||', '|', '&', '>', '<', '>>', '2>&1 ', ';;');
    const space = fc.constantFrom('', ' ', '\t');
    fc.assert(
      fc.property(fc.array(plain, { minLength: 1, maxLength: 4 }), op, space, space, fc.array(plain, { minLength: 1, maxLength: 4 }), (left, o, s1, s2, right) => {
        const message = invalid(`${left.join(' ')}${s1}${o}${s2}${right.join(' ')}`).message;
        assert.match(message, /without a shell/);
      }),
      { numRuns: 500 },
    );
  });

  it('scriptCommands: the simple commands of a package.json script, leniently', () => {
    assert.deepEqual(scriptCommands('node esbuild.mjs && node test/run.mjs 2>&1 > out.txt; npm run "test:unit" -- --x # c\nrun-s test:* | tee log'), [
      ['node', 'esbuild.mjs'],
      ['node', 'test/run.mjs'],
      ['npm', 'run', 'test:unit', '--', '--x'],
      ['run-s', 'test:*'],
      ['tee', 'log'],
    ]);
    assert.deepEqual(scriptCommands('echo $HOME "unterminated'), [['echo', '$HOME', 'unterminated']]);
    assert.deepEqual(scriptCommands(''), []);
  });

  it('property: scriptCommands never throws, and reads an accepted command as that one command', () => {
    const chars = fc.constantFrom(' ', '\t', '\n', "'", '"', '\\', '&', '|', ';', '>', '<', '(', ')', '$', '`', '#', '~', 'a', 'b', '-', '/');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 30 }).map((c) => c.join('')), (s) => {
        const commands = scriptCommands(s);
        assert.ok(commands.every((c) => c.length > 0));
        let words: string[] | undefined;
        try {
          words = splitCommand(s);
        } catch {
          return;
        }
        assert.deepEqual(commands, [words]);
      }),
      { numRuns: 1000 },
    );
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
