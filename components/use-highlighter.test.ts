// Which message texts start the highlighter's load: only those with a fenced code block.
import { describe, expect, it } from 'vitest';
import { hasCodeFence } from './use-highlighter';

describe('hasCodeFence', () => {
  it('finds backtick and tilde fences, where a language can be named', () => {
    expect(hasCodeFence('Here:\n\n```ts\nconst a = 1;\n```\n')).toBe(true);
    expect(hasCodeFence('~~~python\nprint(1)\n~~~')).toBe(true);
    // A reply mid-stream whose fence has only just opened already wants the highlighter.
    expect(hasCodeFence('Sketch:\n\n```')).toBe(true);
  });

  it('leaves text without a fence alone, inline code included', () => {
    expect(hasCodeFence('Use `npm run dev` and **reload**.')).toBe(false);
    expect(hasCodeFence('    indented code has no language\n')).toBe(false);
    expect(hasCodeFence('')).toBe(false);
  });
});
