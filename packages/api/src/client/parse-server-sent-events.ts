/** One Server-Sent Event: its `id:` (empty when none) and its `data:` lines joined. */
export interface ServerSentEvent {
  id: string;
  event: string;
  data: string;
}

/**
 * Splits a text/event-stream body into events (WHATWG HTML, "event stream interpretation"): comments (`:`) are
 * skipped, multi-line `data:` is joined with newlines, an event ends at a blank line.
 */
export async function* parseServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  let event: ServerSentEvent = { id: '', event: 'message', data: '' };
  let hasData = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (hasData) yield event;
          event = { id: event.id, event: 'message', data: '' };
          hasData = false;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') {
          event.data = hasData ? `${event.data}\n${value}` : value;
          hasData = true;
        } else if (field === 'id') event.id = value;
        else if (field === 'event') event.event = value;
      }
    }
  } finally {
    reader.releaseLock();
  }
}
