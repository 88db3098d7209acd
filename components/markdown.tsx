'use client';
// Renders model text as GitHub-flavoured markdown with highlighted code; raw HTML is shown as text, never run.
import { memo, useMemo } from 'react';
import ReactMarkdown, { type Components, type ExtraProps, type Options } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { CodeBlock } from './code-block';
import { markdownBlocks } from './markdown-blocks';
import { hasCodeFence, useHighlighter } from './use-highlighter';

export const remarkPlugins: Options['remarkPlugins'] = [remarkGfm];

type HastElement = NonNullable<ExtraProps['node']>;
type HastNode = HastElement['children'][number];

/** How model markdown is rendered: links open elsewhere, images are never loaded, code has a copy button. */
export const components = {
  pre: ({ node: _node, ...props }) => <CodeBlock {...props} />,
  // A linked image becomes its alt text inside the link: an image is itself a link here, and links don't nest.
  a: ({ node, children, ...props }) => (
    <a {...props} target="_blank" rel="noopener noreferrer">
      {node?.children.some(isImage) ? plainText(node) : children}
    </a>
  ),
  // Images in model output are never loaded: any URL could be a tracking pixel or leak the reader's address.
  img: ({ src, alt }) =>
    typeof src === 'string' && src !== '' ? (
      <a href={src} title={src} target="_blank" rel="noopener noreferrer nofollow">
        {imageLabel(alt)}
      </a>
    ) : (
      <span>{imageLabel(alt)}</span>
    ),
} satisfies Components;

function imageLabel(alt: unknown): string {
  return typeof alt === 'string' && alt.trim() !== '' ? `Image: ${alt.trim()}` : 'Image';
}

function isImage(node: HastNode): boolean {
  return node.type === 'element' && node.tagName === 'img';
}

function plainText(node: HastNode): string {
  if (node.type === 'text') return node.value;
  if (node.type !== 'element') return '';
  if (node.tagName === 'img') return imageLabel(node.properties.alt);
  return node.children.map(plainText).join('');
}

type RehypePlugins = Options['rehypePlugins'];

/** A growing reply changes only its last block: the blocks before it keep their text, and are not rendered again. */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  const rehypePlugins = useHighlighter(hasCodeFence(text));
  const blocks = useMemo(() => markdownBlocks(text), [text]);
  return blocks.map((block, index) => (
    // A block's place is its identity: while a reply streams, blocks are only ever added after the last one.
    // biome-ignore lint/suspicious/noArrayIndexKey: blocks have no other identity, and never move.
    <MarkdownBlock key={index} text={block} rehypePlugins={hasCodeFence(block) ? rehypePlugins : undefined} />
  ));
});

const MarkdownBlock = memo(function MarkdownBlock({
  text,
  rehypePlugins,
}: {
  text: string;
  rehypePlugins: RehypePlugins;
}) {
  return (
    <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
      {text}
    </ReactMarkdown>
  );
});
