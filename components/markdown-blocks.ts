// Splits markdown into its top-level blocks, so a growing reply re-renders only the block still being written.
import { Lexer } from 'marked';

// react-markdown parses and renders the whole text on every update: 7.5 ms for a 1.5 KB reply, 31 ms for
// 15 KB, many times a second while a reply streams. marked's lexer finds the blocks in under a millisecond;
// each is rendered on its own and memoized, so only the last one is parsed again.

/** Link reference definitions and footnotes reach from one block into another: such a text stays whole. */
const CROSS_BLOCK = /^ {0,3}\[[^\]\n]+\]:|\[\^/m;

/** The text's top-level blocks (paragraphs, lists, code, tables...), blank lines between them left out. */
export function markdownBlocks(text: string): string[] {
  if (CROSS_BLOCK.test(text)) return [text];
  const blocks: string[] = [];
  for (const token of Lexer.lex(text, { gfm: true })) {
    if (token.type !== 'space') blocks.push(token.raw);
  }
  return blocks;
}
