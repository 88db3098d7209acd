// Scenarios for the event fold that turns a stream of Anthropic events into one assistant message.
import { describe, expect, it } from 'vitest';
import { emptyTurn, foldEvent, foldEvents, turnText } from './transcript';
import {
  blockStart,
  blockStop,
  jsonDelta,
  messageDelta,
  messageStart,
  messageStop,
  signatureDelta,
  streamError,
  textDelta,
  textStart,
  textTurn,
  thinkingDelta,
  thinkingStart,
  toolStart,
} from './transcript-fixtures';

describe('foldEvents', () => {
  it('assembles a streamed text reply and completes on message_stop', () => {
    const turn = foldEvents(textTurn(['Hel', 'lo, ', 'world.']));
    expect(turn.messageId).toBe('msg_1');
    expect(turn.content).toEqual([{ type: 'text', text: 'Hello, world.', citations: null }]);
    expect(turn.stopReason).toBe('end_turn');
    expect(turn.status).toBe('complete');
    expect(turn.error).toBeNull();
  });

  it('stays streaming until message_stop arrives', () => {
    const turn = foldEvents([messageStart(), textStart(0), textDelta(0, 'partial')]);
    expect(turn.status).toBe('streaming');
    expect(turnText(turn.content)).toBe('partial');
  });

  it('gives the same message whether the events arrive in one batch or resume from a partial fold', () => {
    const events = textTurn(['a', 'b', 'c', 'd']);
    const whole = foldEvents(events);
    const partial = foldEvents(events.slice(0, 3));
    expect(foldEvents(events.slice(3), partial)).toEqual(whole);
  });

  it('accumulates thinking and its signature before the answer', () => {
    const turn = foldEvents([
      messageStart(),
      thinkingStart(0),
      thinkingDelta(0, 'Let me '),
      thinkingDelta(0, 'think.'),
      signatureDelta(0, 'sig-'),
      signatureDelta(0, 'abc'),
      blockStop(0),
      textStart(1),
      textDelta(1, 'Answer.'),
      blockStop(1),
      messageStop(),
    ]);
    expect(turn.content).toEqual([
      { type: 'thinking', thinking: 'Let me think.', signature: 'sig-abc' },
      { type: 'text', text: 'Answer.', citations: null },
    ]);
  });

  it('keeps tool input as raw partial JSON while streaming and parses it when the block stops', () => {
    const streaming = foldEvents([
      messageStart(),
      toolStart(0, 'get_weather'),
      jsonDelta(0, '{"city": "Par'),
      jsonDelta(0, 'is", "days": 3'),
    ]);
    expect(streaming.partialJson[0]).toBe('{"city": "Paris", "days": 3');
    expect(streaming.content[0]).toMatchObject({ type: 'tool_use', input: {} });

    const stopped = foldEvents(
      [jsonDelta(0, '}'), blockStop(0), messageDelta('tool_use'), messageStop()],
      streaming,
    );
    expect(stopped.partialJson).toEqual({});
    expect(stopped.content[0]).toMatchObject({
      type: 'tool_use',
      name: 'get_weather',
      input: { city: 'Paris', days: 3 },
    });
    expect(stopped.stopReason).toBe('tool_use');
  });

  it('keeps the start input of a tool call that streamed no JSON', () => {
    const turn = foldEvents([messageStart(), toolStart(0, 'now'), blockStop(0), messageStop()]);
    expect(turn.content[0]).toMatchObject({ type: 'tool_use', input: {} });
  });

  it('keeps unparseable tool input as its raw string instead of losing it', () => {
    const turn = foldEvents([messageStart(), toolStart(0, 'broken'), jsonDelta(0, '{"a": '), blockStop(0)]);
    expect(turn.content[0]).toMatchObject({ input: '{"a": ' });
  });

  it('ends with the error and keeps the partial text when the stream fails', () => {
    const turn = foldEvents([
      messageStart(),
      textStart(0),
      textDelta(0, 'Half an ans'),
      streamError('overloaded_error', 'The model is overloaded. Try again.'),
    ]);
    expect(turn.status).toBe('error');
    expect(turn.error).toEqual({ type: 'overloaded_error', message: 'The model is overloaded. Try again.' });
    expect(turnText(turn.content)).toBe('Half an ans');
  });

  it('records an error that arrives before the model started', () => {
    const turn = foldEvents([streamError('api_error', 'Upstream failed.')]);
    expect(turn).toMatchObject({ status: 'error', content: [], messageId: null });
  });

  it('leaves a still-partial tool input visible when the turn errors mid-call', () => {
    const turn = foldEvents([
      messageStart(),
      toolStart(0, 'search'),
      jsonDelta(0, '{"q": "ca'),
      streamError('x', 'y'),
    ]);
    expect(turn.partialJson[0]).toBe('{"q": "ca');
  });

  it('appends citations to the text block they cite', () => {
    const citation = {
      type: 'char_location',
      cited_text: 'the sky is blue',
      document_index: 0,
      document_title: 'Facts',
      start_char_index: 0,
      end_char_index: 15,
      file_id: null,
    } as const;
    const turn = foldEvents([
      messageStart(),
      textStart(0),
      { type: 'content_block_delta', index: 0, delta: { type: 'citations_delta', citation } },
      textDelta(0, 'Blue.'),
    ]);
    expect(turn.content[0]).toEqual({ type: 'text', text: 'Blue.', citations: [citation] });
  });

  it('ignores deltas for blocks it never saw start, or of the wrong kind', () => {
    const base = foldEvents([messageStart(), textStart(0)]);
    expect(foldEvent(base, textDelta(3, 'lost'))).toBe(base);
    expect(foldEvent(base, thinkingDelta(0, 'not thinking'))).toBe(base);
    expect(foldEvent(base, jsonDelta(0, '{}'))).toBe(base);
  });

  it('never mutates the previous state', () => {
    const before = foldEvents([messageStart(), textStart(0), textDelta(0, 'one')]);
    const snapshot = structuredClone(before);
    foldEvent(before, textDelta(0, ' two'));
    foldEvent(before, messageStop());
    expect(before).toEqual(snapshot);
  });

  it('places blocks by index even when a server tool block streams between texts', () => {
    const turn = foldEvents([
      messageStart(),
      textStart(0),
      textDelta(0, 'Searching.'),
      blockStop(0),
      blockStart(1, {
        type: 'server_tool_use',
        id: 'srvtoolu_1',
        name: 'web_search',
        input: {},
        caller: { type: 'direct' },
      }),
      jsonDelta(1, '{"query":"s2"}'),
      blockStop(1),
      textStart(2),
      textDelta(2, 'Found it.'),
      messageStop(),
    ]);
    expect(turn.content.map((block) => block.type)).toEqual(['text', 'server_tool_use', 'text']);
    expect(turn.content[1]).toMatchObject({ input: { query: 's2' } });
    expect(turnText(turn.content)).toBe('Searching.\n\nFound it.');
  });

  it('starts from an empty streaming turn', () => {
    expect(emptyTurn()).toEqual({
      messageId: null,
      content: [],
      partialJson: {},
      stopReason: null,
      status: 'streaming',
      error: null,
    });
  });
});
