'use client';
// Renders model text as GitHub-flavoured markdown with highlighted code; raw HTML is shown as text, never run.
import { memo } from 'react';
import ReactMarkdown, { type Components, type ExtraProps, type Options } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { CodeBlock } from './code-block';
import { hasCodeFence, useHighlighter } from './use-highlighter';

const remarkPlugins: Options['remarkPlugins'] = [remarkGfm];

type HastElement = NonNullable<ExtraProps['node']>;
type HastNode = HastElement['children'][number];

const components = {
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

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  const rehypePlugins = useHighlighter(hasCodeFence(text));
  return (
    <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
      {text}
    </ReactMarkdown>
  );
});
