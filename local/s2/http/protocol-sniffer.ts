// One TCP port for two protocols: sniff the HTTP/2 prior-knowledge preface, else hand over to HTTP/1.1.
import type { Server as HttpServer } from 'node:http';
import type { Http2Server } from 'node:http2';
import * as net from 'node:net';

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** True while `head` could still grow into the HTTP/2 preface. */
function mayBePreface(head: Buffer): boolean {
  const length = Math.min(head.byteLength, H2_PREFACE.byteLength);
  return head.subarray(0, length).equals(H2_PREFACE.subarray(0, length));
}

/**
 * A `net.Server` that routes each connection by its first bytes: the HTTP/2 preface goes to `http2`
 * (s2s sessions), anything else to `http1`. `sockets` tracks live connections so shutdown can end them.
 */
export function createProtocolSniffer(
  http1: HttpServer,
  http2: Http2Server,
  sockets: Set<net.Socket>,
): net.Server {
  return net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    let head: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = head.byteLength === 0 ? chunk : Buffer.concat([head, chunk]);
      if (head.byteLength < H2_PREFACE.byteLength && mayBePreface(head)) return;
      socket.off('data', onData);
      socket.pause();
      if (head.subarray(0, H2_PREFACE.byteLength).equals(H2_PREFACE)) {
        // The socket is paused with the bytes already read put back: Node's HTTP/2 session reads a
        // socket's buffered bytes before it starts consuming the native handle, so nothing is lost.
        socket.unshift(head);
        http2.emit('connection', socket);
      } else {
        socket.unshift(head);
        http1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
  });
}
