// Pure reply scripts: content, determinism, demo selection, pacing delays and max_tokens.
import { describe, expect, it } from 'vitest';
import { chunkCharacters, chunkWords } from './chunks';
import { replyKindOf } from './demo';
import type { MessagesRequest } from './request';
import { expectedReplyText, replyEvents, replyOutcome, type ScriptedEvent } from './script';

function ask(text: string, maxTokens = 4096): MessagesRequest {
  return { model: 'claude-haiku-4-5', max_tokens: maxTokens, messages: [{ role: 'user', content: text }] };
}

function countedDeltas(script: readonly ScriptedEvent[]): ScriptedEvent[] {
  return script.filter(
    ({ event }) => event.type === 'content_block_delta' && event.delta.type !== 'signature_delta',
  );
}

function streamedText(script: readonly ScriptedEvent[]): string {
  return script
    .map(({ event }) =>
      event.type === 'content_block_delta' && event.delta.type === 'text_delta' ? event.delta.text : '',
    )
    .join('');
}

describe('reply scripts', () => {
  it('splits text into chunks of one to four words that join back exactly', () => {
    const text = '## Title\n\nSome words, then a list:\n\n- one\n- two  \n';
    const chunks = chunkWords(text, 'seed');
    expect(chunks.join('')).toBe(text);
    for (const chunk of chunks) expect(chunk.trim().split(/\s+/).length).toBeLessThanOrEqual(4);
    expect(chunkCharacters('{"a":"bcdefghij"}', 'seed').join('')).toBe('{"a":"bcdefghij"}');
  });

  it('answers with a heading, a list and a fenced code block in 100 to 200 deltas', () => {
    for (const question of [
      'hi',
      'How do I make pasta carbonara without cream?',
      'Explain `useEffect` *cleanup*',
    ]) {
      const script = replyEvents(ask(question));
      const text = expectedReplyText(question);
      expect(streamedText(script)).toBe(text);
      expect(text).toMatch(/^## \S/);
      expect(text).toMatch(/\n- \*\*[^*]+:\*\* /);
      expect(text).toMatch(/\n```ts\n[\s\S]+\n```\n/);
      expect(countedDeltas(script).length).toBeGreaterThanOrEqual(100);
      expect(countedDeltas(script).length).toBeLessThanOrEqual(200);
    }
    expect(expectedReplyText('How do I make pasta carbonara without cream?')).toContain(
      'How do I make pasta carbonara without cream',
    );
  });

  it('derives the reply words from the last user message only', () => {
    const long: MessagesRequest = {
      model: 'claude-haiku-4-5',
      max_tokens: 4096,
      system: 'You are terse.',
      messages: [
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        { role: 'user', content: [{ type: 'text', text: 'What is a monad?' }] },
      ],
    };
    expect(streamedText(replyEvents(long))).toBe(expectedReplyText('What is a monad?'));
    expect(streamedText(replyEvents(ask('What is a monad?')))).toBe(expectedReplyText('What is a monad?'));
  });

  it('gives the same script for the same request and a different message id for a different one', () => {
    const first = JSON.stringify(replyEvents(ask('Same question')));
    const again = JSON.stringify(replyEvents({ ...ask('Same question'), stream: true }));
    expect(again).toBe(first);
    const id = (script: ScriptedEvent[]) =>
      script[0]?.event.type === 'message_start' ? script[0].event.message.id : '';
    expect(id(replyEvents(ask('Same question')))).toMatch(/^msg_01[1-9A-HJ-NP-Za-km-z]{22}$/);
    expect(id(replyEvents(ask('Other question')))).not.toBe(id(replyEvents(ask('Same question'))));
  });

  it('recognises /demo commands exactly, after trimming and ignoring case, and falls back to help', () => {
    expect(replyKindOf('  /DEMO Long \n')).toEqual({ kind: 'demo', command: 'long' });
    expect(replyKindOf('/demo thinking')).toEqual({ kind: 'demo', command: 'thinking' });
    expect(replyKindOf('/demo nonsense')).toEqual({ kind: 'demo', command: 'help' });
    expect(replyKindOf('/demo')).toEqual({ kind: 'demo', command: 'help' });
    expect(replyKindOf('please /demo long')).toEqual({ kind: 'answer' });
    expect(expectedReplyText('/demo nonsense')).toBe(expectedReplyText('/demo help'));
    expect(expectedReplyText('/demo help')).toContain('- `/demo stall`');
  });

  it('streams /demo long as at least 2,000 text deltas', () => {
    const deltas = countedDeltas(replyEvents(ask('/demo long', 100_000)));
    expect(deltas.length).toBeGreaterThanOrEqual(2000);
  });

  it('paces deltas at 1000 / tokensPerSec and sends them back to back at 0', () => {
    const paced = countedDeltas(replyEvents(ask('pace me'), { tokensPerSec: 40 }));
    expect(new Set(paced.map(({ delayMs }) => delayMs))).toEqual(new Set([25]));
    const fast = replyEvents(ask('pace me'), { tokensPerSec: 0 });
    expect(fast.every(({ delayMs }) => delayMs === 0)).toBe(true);
  });

  it('sends /demo slow as about 40 deltas, one every slowDeltaMs', () => {
    const deltas = countedDeltas(replyEvents(ask('/demo slow'), { tokensPerSec: 0, slowDeltaMs: 250 }));
    expect(deltas.length).toBeGreaterThanOrEqual(35);
    expect(deltas.length).toBeLessThanOrEqual(45);
    expect(deltas.every(({ delayMs }) => delayMs === 250)).toBe(true);
  });

  it('pauses /demo stall once, mid-reply, for stallMs', () => {
    const deltas = countedDeltas(replyEvents(ask('/demo stall'), { tokensPerSec: 0, stallMs: 30_000 }));
    const stalls = deltas.flatMap(({ delayMs }, index) => (delayMs > 0 ? [{ index, delayMs }] : []));
    expect(stalls).toHaveLength(1);
    expect(stalls[0]?.delayMs).toBe(30_000);
    expect(stalls[0]?.index).toBeGreaterThan(0);
    expect(stalls[0]?.index).toBeLessThan(deltas.length - 1);
  });

  it('streams /demo thinking as thinking deltas, one signature, then a text block', () => {
    const kinds = replyEvents(ask('/demo thinking')).map(({ event }) =>
      event.type === 'content_block_delta' ? event.delta.type : event.type,
    );
    const unique = kinds.filter((kind, index) => kind !== kinds[index - 1]);
    expect(unique).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'thinking_delta',
      'signature_delta',
      'content_block_stop',
      'content_block_start',
      'text_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('ends /demo error with an overloaded error event and no message_stop', () => {
    const script = replyEvents(ask('/demo error'));
    expect(script.at(-1)?.event).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
    expect(script.some(({ event }) => event.type === 'message_stop')).toBe(false);
    expect(streamedText(script)).toBe(expectedReplyText('/demo error'));
    expect(replyOutcome(ask('/demo error')).type).toBe('error');
  });

  it('stops at max_tokens with stop_reason max_tokens, one output token per delta', () => {
    const outcome = replyOutcome(ask('Tell me about lighthouses', 10));
    if (outcome.type !== 'message') throw new Error('expected a message');
    expect(outcome.message.stop_reason).toBe('max_tokens');
    expect(outcome.message.usage.output_tokens).toBe(10);
    expect(outcome.message.content).toEqual([
      { type: 'text', text: expectedReplyText('Tell me about lighthouses', 10), citations: null },
    ]);
    const full = replyOutcome(ask('Tell me about lighthouses'));
    if (full.type !== 'message') throw new Error('expected a message');
    expect(full.message.stop_reason).toBe('end_turn');
    expect(full.message.usage.output_tokens).toBe(
      countedDeltas(replyEvents(ask('Tell me about lighthouses'))).length,
    );
  });
});
