// Rendering a reply block by block gives the HTML of rendering it whole, for the local model's replies and edge cases.
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import ReactMarkdown from 'react-markdown';
import { describe, expect, it } from 'vitest';
import { expectedReplyText } from '../local/anthropic/index';
import { components, Markdown, remarkPlugins } from './markdown';

/** HTML without what differs only in markup: line breaks between blocks, React's text node separators. */
function html(element: Parameters<typeof renderToString>[0]): string {
  return renderToString(element)
    .replace(/<!-- -->/g, '')
    .replace(/\n+(?=<)/g, '');
}

const whole = (text: string) => html(createElement(ReactMarkdown, { remarkPlugins, components }, text));
const byBlock = (text: string) => html(createElement(Markdown, { text }));

const SAMPLES = {
  'a reply': expectedReplyText('How do durable streams work?'),
  'a long reply': expectedReplyText('/demo long', 400),
  'a loose list with a nested code block':
    '1. one\n\n2. two\n\n   ```sh\n   npm test\n   ```\n\n3. three\n\nAfter.',
  'a table between paragraphs': 'Before.\n\n| a | b |\n|---|:-:|\n| 1 | **2** |\n\nAfter.',
  'a setext heading and a rule': 'Title\n=====\n\nText.\n\n---\n\nMore text.',
  'a block quote with a list': '> quoted\n>\n> - one\n> - two\n\nNot quoted.',
  'a fence still open mid-stream': 'Here:\n\n```ts\nconst a = 1;\n\nconst b',
  'a reference link': 'See [the docs][docs].\n\nMore.\n\n[docs]: https://s2.dev/docs',
  'a footnote': 'A claim.[^1]\n\n[^1]: The source.',
  'blocks with no blank line between them':
    '## Heading\nText:\n- a\n- b\n\n    indented code\n> quote\nlazy line',
  'a number that cannot start a list mid-paragraph': 'Paragraph\n2. not a list\n\n* [ ] task\n* [x] done',
  'nested lists': '- one\n    - nested\n        - deeper\n- two\n\n1) a\n1) b',
  'raw HTML, shown as text': '<div>hi</div>\n\nText with <b>tags</b>.',
};

describe('Markdown', () => {
  for (const [name, text] of Object.entries(SAMPLES)) {
    it(`renders ${name} as rendering it whole does`, () => {
      expect(byBlock(text)).toBe(whole(text));
    });
  }

  it('renders every intermediate text of a streamed reply as rendering it whole does', () => {
    const text = expectedReplyText('Tell me about cursors');
    for (let end = 1; end <= text.length; end += 7) {
      const partial = text.slice(0, end);
      expect(byBlock(partial), partial).toBe(whole(partial));
    }
  });
});
