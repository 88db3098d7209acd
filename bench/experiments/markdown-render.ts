// `npx tsx bench/experiments/markdown-render.ts [deltas-per-update]`: the CPU of rendering a streaming reply's
// markdown on every update, three ways side by side: as `Markdown` did before (the whole text, the highlighter
// attached on each render), the whole text with the highlighter built once, and as `Markdown` does now.
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import ReactMarkdown, { type Options } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import remarkGfm from 'remark-gfm';
import { highlightPlugins } from '../../components/highlight-plugins';
import { markdownBlocks } from '../../components/markdown-blocks';
import { hasCodeFence } from '../../components/use-highlighter';
import { chunkWords } from '../../local/anthropic/chunks';
import { expectedReplyText } from '../../local/anthropic/index';

// Five deltas per update: a reply at about 100 tokens/s, delivered in the writer's 50 ms batches.
const DELTAS_PER_UPDATE = Number(process.argv[2] ?? 5);
const ROUNDS = 3;
const ATTACHED_EACH_RENDER: Options['rehypePlugins'] = [[rehypeHighlight, { detect: false }]];

/** What react-markdown does for one text: parse, transform, render (server rendering stands in for the DOM). */
function render(text: string, rehypePlugins: Options['rehypePlugins']): void {
  renderToString(createElement(ReactMarkdown, { remarkPlugins: [remarkGfm], rehypePlugins }, text));
}

/** The text after each update of a streamed reply. */
function updates(text: string): string[] {
  const deltas = chunkWords(text, 'markdown-render');
  const texts: string[] = [];
  for (let end = DELTAS_PER_UPDATE; end < deltas.length + DELTAS_PER_UPDATE; end += DELTAS_PER_UPDATE) {
    texts.push(deltas.slice(0, end).join(''));
  }
  return texts;
}

const WAYS = {
  before: (texts: readonly string[]) => {
    for (const text of texts) render(text, ATTACHED_EACH_RENDER);
  },
  'whole, highlighter built once': (texts: readonly string[]) => {
    for (const text of texts) render(text, highlightPlugins);
  },
  // As `Markdown` does: split every update, render only the blocks whose text changed at their place (its
  // blocks are memoized), with the highlighter on fenced blocks only.
  now: (texts: readonly string[]) => {
    let previous: string[] = [];
    for (const text of texts) {
      const blocks = markdownBlocks(text);
      blocks.forEach((block, index) => {
        if (previous[index] !== block) render(block, hasCodeFence(block) ? highlightPlugins : undefined);
      });
      previous = blocks;
    }
  },
} satisfies Record<string, (texts: readonly string[]) => void>;

function cpuMs(run: () => void): number {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

for (const maxTokens of [1024, 4096]) {
  const text = expectedReplyText('/demo long', maxTokens);
  const texts = updates(text);
  for (const way of Object.values(WAYS)) way(texts.slice(0, 20)); // warm up every path's code
  const spent = new Map<string, number[]>();
  // Alternating rounds, so drift on a shared machine falls on every way alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, way] of Object.entries(WAYS))
      spent.set(name, [...(spent.get(name) ?? []), cpuMs(() => way(texts))]);
  }
  const best = (name: string) => Math.min(...(spent.get(name) ?? [Number.NaN]));
  console.log(`/demo long at ${maxTokens} tokens: ${text.length} characters, ${texts.length} updates`);
  for (const name of Object.keys(WAYS)) {
    const ms = best(name);
    console.log(
      `  ${name}: ${ms.toFixed(0)} ms, ${(ms / texts.length).toFixed(2)} ms per update, ${(best('before') / ms).toFixed(1)}x less than before`,
    );
  }
}
