import { describe, expect, it } from 'vitest';
import { parseServerSentEvents } from './parse-server-sent-events.js';

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

describe('parseServerSentEvents', () => {
  it('joins data lines, keeps the last id, skips comments, and survives chunks split anywhere', async () => {
    const events = [];
    for await (const event of parseServerSentEvents(streamOf(': hello\n\nid: a-1\nda', 'ta: {"x":\ndata: 1}\n\r\n', 'data: two\n\n'))) events.push(event);
    expect(events).toEqual([
      { id: 'a-1', event: 'message', data: '{"x":\n1}' },
      { id: 'a-1', event: 'message', data: 'two' },
    ]);
  });
});
