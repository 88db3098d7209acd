// Splits reply text into delta-sized pieces the way a model streams it: a few words, or a few characters of JSON.
import { pickInt, seededRandom } from './ids';

/**
 * Splits `text` into chunks of 1 to `maxWords` words; each word carries its leading whitespace, as model
 * tokens do. Joining the chunks gives `text` back exactly.
 */
export function chunkWords(text: string, seed: string, maxWords = 4): string[] {
  const words = text.match(/\s*\S+/g) ?? [];
  const trailing = text.slice(words.join('').length);
  const random = seededRandom(`words:${seed}`);
  const chunks: string[] = [];
  for (let i = 0; i < words.length; ) {
    const take = pickInt(random, 1, maxWords);
    chunks.push(words.slice(i, i + take).join(''));
    i += take;
  }
  if (trailing.length > 0) {
    if (chunks.length === 0) chunks.push(trailing);
    else chunks[chunks.length - 1] += trailing;
  }
  return chunks;
}

/** Splits `text` into runs of `min` to `max` characters, like the API's `input_json_delta` fragments. */
export function chunkCharacters(text: string, seed: string, min = 3, max = 9): string[] {
  const random = seededRandom(`chars:${seed}`);
  const chunks: string[] = [];
  for (let i = 0; i < text.length; ) {
    const take = pickInt(random, min, max);
    chunks.push(text.slice(i, i + take));
    i += take;
  }
  return chunks;
}
