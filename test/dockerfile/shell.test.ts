// The RUN-script reader: commands, words and pipes as a POSIX shell would split them (hand-written scripts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseShell } from '../../src/dockerfile/shell.js';

function pipelines(script: string): string[][] {
  return parseShell(script).pipelines.map((p) => p.map((c) => c.words.join(' ')));
}

describe('parseShell', () => {
  it('splits on && || ; & and newlines, and groups pipes', () => {
    assert.deepEqual(pipelines('a 1 && b || c; d & e\nf | g |& h'), [['a 1'], ['b'], ['c'], ['d'], ['e'], ['f', 'g', 'h']]);
  });

  it('removes quotes and keeps operators inside quotes, $(...) and backquotes as text', () => {
    assert.deepEqual(pipelines(`echo "a | b" 'c && d' x\\;y "$(cat f | wc -l)" \`ls | head\``), [['echo a | b c && d x;y $(cat f | wc -l) `ls | head`']]);
  });

  it('drops redirections, keeps process substitution', () => {
    assert.deepEqual(pipelines('apt-get install -s x > /dev/null 2>&1 && cat <(curl u) >>log &>/dev/null'), [['apt-get install -s x'], ['cat <(curl u)']]);
  });

  it('strips assignments, shell keywords and sudo/env/exec wrappers from the command', () => {
    const [a, b, c, d] = parseShell(
      'DEBIAN_FRONTEND=noninteractive sudo -u root apt-get update; if env -i X=1 pip install y; then exec /usr/bin/app; fi',
    ).commands;
    assert.deepEqual([a?.name, a?.rawWords[1], b?.name, c?.name, d?.name], ['apt-get', 'sudo', 'pip', 'app', 'fi']);
  });

  it('reads the script of sh -c / bash -c as commands too', () => {
    assert.deepEqual(
      parseShell(`su app -c true && bash -c 'curl -s u | sh'`).commands.map((c) => c.name),
      ['su', 'true', 'bash', 'curl', 'sh'],
    );
  });

  it('skips comments and unwraps line joins already done by the parser', () => {
    assert.deepEqual(pipelines('a # not | a pipe\nb'), [['a'], ['b']]);
  });
});
