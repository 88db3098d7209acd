// The rehype plugin that highlights fenced code, built once; use-highlighter loads this module on demand.
import type { Options } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';

// rehype-highlight registers every grammar it knows each time it is attached, and react-markdown attaches its
// plugins on every render: about 1.6 ms per render of any text, code or not. Its transform keeps no state
// from one tree to the next, so it is built once and attached through a plugin that returns it.
// `detect: false`: only fences that name their language are highlighted; guessing on every token is slow.
const highlight = rehypeHighlight({ detect: false });

export const highlightPlugins: NonNullable<Options['rehypePlugins']> = [() => highlight];
