'use client';
// Renders model text as GitHub-flavoured markdown with highlighted code; raw HTML is shown as text, never run.
import { memo } from 'react';
import ReactMarkdown, { type Components, type Options } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import remarkGfm from 'remark-gfm';
import { CodeBlock } from './code-block';

const remarkPlugins: Options['remarkPlugins'] = [remarkGfm];
// `detect: false`: only fences that name their language are highlighted; guessing on every token is slow.
const rehypePlugins: Options['rehypePlugins'] = [[rehypeHighlight, { detect: false }]];

const components = {
  pre: ({ node: _node, ...props }) => <CodeBlock {...props} />,
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer" />,
} satisfies Components;

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
      {text}
    </ReactMarkdown>
  );
});
