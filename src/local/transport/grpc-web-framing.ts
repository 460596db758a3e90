import { Status, StatusError } from '../status-error.js';

/** grpc-web's two frame kinds: a message, and the trailers that end a response (flag bit 7). */
export const FrameFlag = { DATA: 0x00, TRAILER: 0x80 } as const;

/** Flag bit 0: the message is compressed. The SDKs never compress, so the server does not decode it. */
const COMPRESSED = 0x01;
const HEADER_BYTES = 5;

/** One frame: the flag byte, the payload length as a big-endian uint32, then the payload. */
export function encodeFrame(flag: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out[0] = flag;
  out.writeUInt32BE(payload.length, 1);
  out.set(payload, HEADER_BYTES);
  return out;
}

/**
 * Percent-encodes a `grpc-message` as the gRPC spec asks: every byte of its UTF-8 outside printable
 * ASCII, and `%` itself. grpc-web runs `decodeURIComponent` on it, which would throw on a bare `%`, and a
 * CR or LF would end the trailer line early.
 */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The trailer frame that ends every response: `grpc-status`, `grpc-message` and any extra metadata (the
 * `err` that Momento's SDKs read), as HTTP/1 header lines. grpc-web parses it and hands the extra keys to
 * the SDK as the error's metadata.
 */
export function encodeTrailer(code: number, message: string, metadata: Readonly<Record<string, string>> = {}): Buffer {
  let block = `grpc-status:${code}\r\n`;
  if (message) block += `grpc-message:${percentEncode(message)}\r\n`;
  for (const [key, value] of Object.entries(metadata)) block += `${key}:${value}\r\n`;
  return encodeFrame(FrameFlag.TRAILER, Buffer.from(block, 'latin1'));
}

/**
 * The messages of a request body. A request carries one data frame; trailer frames a client may add are
 * skipped.
 * @throws StatusError INTERNAL for a truncated frame, UNIMPLEMENTED for a compressed one.
 */
export function decodeDataFrames(body: Buffer): Buffer[] {
  const messages: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    if (body.length - at < HEADER_BYTES) throw new StatusError(Status.INTERNAL, 'truncated grpc-web frame header');
    const flag = body[at]!;
    const length = body.readUInt32BE(at + 1);
    const end = at + HEADER_BYTES + length;
    if (end > body.length) throw new StatusError(Status.INTERNAL, 'truncated grpc-web frame');
    if (flag & COMPRESSED) throw new StatusError(Status.UNIMPLEMENTED, 'compressed grpc-web messages are not supported');
    if ((flag & FrameFlag.TRAILER) === 0) messages.push(body.subarray(at + HEADER_BYTES, end));
    at = end;
  }
  return messages;
}

/**
 * Decodes a grpc-web-text body. Clients may send several base64 strings one after the other, each with
 * its own padding; Node's decoder stops at the first `=`, so each padded run is decoded on its own.
 */
export function decodeBase64Text(text: string): Buffer {
  const runs = text.replace(/\s+/g, '').match(/[^=]+=*/g) ?? [];
  return Buffer.concat(runs.map((run) => Buffer.from(run, 'base64')));
}
