import type { Socket } from 'node:net';

const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Whether the first bytes of a connection are HTTP/2's client preface (gRPC) rather than HTTP/1.1 (grpc-web). */
export function isHttp2Preface(head: Buffer): boolean {
  return head.length >= HTTP2_PREFACE.length && head.subarray(0, HTTP2_PREFACE.length).equals(HTTP2_PREFACE);
}

/**
 * Reads until the first bytes tell the protocol apart, then hands the socket and those bytes on.
 * Both protocols start with `P` (PRI / POST), so it waits for a full preface or the first mismatch.
 */
export function sniffFirstBytes(socket: Socket, route: (head: Buffer) => void): void {
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    head = Buffer.concat([head, chunk]);
    const compared = Math.min(head.length, HTTP2_PREFACE.length);
    const decided = head.length >= HTTP2_PREFACE.length || !head.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
    if (!decided) return;
    socket.off('data', onData);
    socket.pause();
    route(head);
  };
  socket.on('data', onData);
}

/**
 * Gives a sniffed socket to an HTTP/2 server: Node's HTTP/2 session reads what is buffered in the
 * socket before it reads from the wire, so the bytes go back in front.
 */
export function handToHttp2(socket: Socket, head: Buffer, accept: (socket: Socket) => void): void {
  socket.unshift(head);
  accept(socket);
}

/**
 * Gives a sniffed socket to an HTTP/1.1 server. Its parser reads the wire natively and never sees
 * bytes put back into the stream, so they are replayed as a data event once it is attached.
 */
export function handToHttp1(socket: Socket, head: Buffer, server: { emit(event: 'connection', socket: Socket): boolean }): void {
  server.emit('connection', socket);
  socket.emit('data', head);
  socket.resume();
}
