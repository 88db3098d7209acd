// Block splitting of streamed markdown: whole lists, fences and tables; text with cross-block references whole.
import { describe, expect, it } from 'vitest';
import { composeAnswer } from '../local/anthropic/answer';
import { markdownBlocks } from './markdown-blocks';

describe('markdownBlocks', () => {
  it('splits a reply into its headings, paragraphs, lists and code, each whole', () => {
    const text = composeAnswer('durable streams');
    const blocks = markdownBlocks(text);
    expect(blocks[0]).toBe('## Durable streams');
    expect(
      blocks.filter((block) => block.startsWith('```ts\n') && block.trimEnd().endsWith('```')),
    ).toHaveLength(1);
    expect(blocks.filter((block) => block.startsWith('- **'))).toHaveLength(1);
    expect(blocks.filter((block) => block.startsWith('1. '))).toHaveLength(1);
    // Nothing is lost: the blocks are the text, less the blank lines between them.
    expect(blocks.join('\n\n')).toBe(text);
  });

  it('keeps a code fence with blank lines inside, and one still open mid-stream, as one block', () => {
    expect(markdownBlocks('Intro\n\n```py\na = 1\n\n\nb = 2\n```\n\nAfter')).toEqual([
      'Intro',
      '```py\na = 1\n\n\nb = 2\n```',
      'After',
    ]);
    expect(markdownBlocks('Intro\n\n```py\na = 1\n\nb')).toEqual(['Intro', '```py\na = 1\n\nb']);
  });

  it('keeps a loose list and a table whole', () => {
    expect(markdownBlocks('- one\n\n- two\n\n  more of two\n\n- three\n\nEnd')).toEqual([
      '- one\n\n- two\n\n  more of two\n\n- three',
      'End',
    ]);
    expect(markdownBlocks('| a | b |\n|---|---|\n| 1 | 2 |\n\nEnd')).toEqual([
      '| a | b |\n|---|---|\n| 1 | 2 |',
      'End',
    ]);
  });

  it('leaves text whose references cross blocks whole', () => {
    const referenced = 'See [the docs][docs].\n\nMore.\n\n[docs]: https://s2.dev/docs\n';
    expect(markdownBlocks(referenced)).toEqual([referenced]);
    const footnoted = 'A claim.[^1]\n\nMore.\n\n[^1]: The source.\n';
    expect(markdownBlocks(footnoted)).toEqual([footnoted]);
  });

  it('has no blocks for empty or blank text', () => {
    expect(markdownBlocks('')).toEqual([]);
    expect(markdownBlocks('\n\n')).toEqual([]);
  });
});
