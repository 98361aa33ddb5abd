// Streams the members of a JSON file whose top level is one big object, parsing one member
// value at a time: the Debian tracker's export is tens of megabytes of
// `{ "<package>": {...}, ... }`, and parsing it whole would hold all of it in memory at once.
import { createReadStream } from 'node:fs';

type State = 'start' | 'beforeKey' | 'key' | 'colon' | 'value' | 'afterValue' | 'end';

const isSpace = (c: string) => c === ' ' || c === '\n' || c === '\r' || c === '\t';

/** Yields `[key, parsed value]` for each member of the top-level object, in file order. */
export async function* jsonObjectMembers(path: string, chunkBytes = 1 << 20): AsyncGenerator<[string, unknown]> {
  let state = 'start' as State;
  let token = ''; // the key or value read so far, across chunks
  let key = '';
  let inString = false;
  let escaped = false;
  let depth = 0;
  let offset = 0;
  const fail = (why: string): never => {
    throw new Error(`not a JSON object at character ${offset}: ${why}`);
  };
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new Error(`member ${JSON.stringify(key)}: ${(err as Error).message}`, { cause: err });
    }
  };

  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: chunkBytes }) as AsyncIterable<string>) {
    let from = 0; // where the current token starts in this chunk
    for (let i = 0; i < chunk.length; i++, offset++) {
      const c = chunk[i] as string;
      switch (state) {
        case 'start':
          if (c === '{') state = 'beforeKey';
          else if (!isSpace(c) && c !== '\uFEFF') fail(`expected "{", found ${JSON.stringify(c)}`);
          break;
        case 'beforeKey':
          if (c === '"') {
            state = 'key';
            token = '';
            from = i;
          } else if (c === '}') state = 'end';
          else if (!isSpace(c) && c !== ',') fail(`expected a key, found ${JSON.stringify(c)}`);
          break;
        case 'key':
          if (escaped) escaped = false;
          else if (c === '\\') escaped = true;
          else if (c === '"') {
            key = parse(token + chunk.slice(from, i + 1)) as string;
            state = 'colon';
          }
          break;
        case 'colon':
          if (c === ':') {
            state = 'value';
            token = '';
            from = i + 1;
            depth = 0;
          } else if (!isSpace(c)) fail(`expected ":" after ${JSON.stringify(key)}`);
          break;
        case 'value':
          if (inString) {
            if (escaped) escaped = false;
            else if (c === '\\') escaped = true;
            else if (c === '"') inString = false;
          } else if (c === '"') inString = true;
          else if (c === '{' || c === '[') depth++;
          else if (c === '}' || c === ']') {
            if (depth === 0) {
              // A scalar value closed by the end of the top-level object.
              yield [key, parse(token + chunk.slice(from, i))];
              state = 'end';
            } else if (--depth === 0) {
              yield [key, parse(token + chunk.slice(from, i + 1))];
              state = 'afterValue';
            }
          } else if (c === ',' && depth === 0) {
            yield [key, parse(token + chunk.slice(from, i))];
            state = 'beforeKey';
          }
          break;
        case 'afterValue':
          if (c === ',') state = 'beforeKey';
          else if (c === '}') state = 'end';
          else if (!isSpace(c)) fail(`expected "," or "}", found ${JSON.stringify(c)}`);
          break;
        case 'end':
          if (!isSpace(c)) fail('text after the end of the object');
          break;
      }
    }
    if (state === 'key' || state === 'value') token += chunk.slice(from);
  }
  if (state !== 'end') fail('unexpected end of file');
}
