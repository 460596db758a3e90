import { describe, expect, it } from 'vitest';
import { Status, StatusError } from '../../src/local/status-error.js';
import { parseGrpcTimeout } from '../../src/local/transport/grpc-timeout.js';
import { decodeBase64Text, decodeDataFrames, encodeFrame, encodeTrailer, FrameFlag, percentEncode } from '../../src/local/transport/grpc-web-framing.js';

/** What grpc-web 1.4 does with a grpc-message: it runs decodeURIComponent on it. */
const asGrpcWebReads = (encoded: string): string => decodeURIComponent(encoded);

describe('grpc-web framing', () => {
  it('frames a message as flag, big-endian length, payload', () => {
    expect([...encodeFrame(FrameFlag.DATA, Uint8Array.of(7, 8, 9))]).toEqual([0, 0, 0, 0, 3, 7, 8, 9]);
    expect(encodeFrame(FrameFlag.TRAILER, new Uint8Array(300)).subarray(0, 5)).toEqual(Buffer.from([0x80, 0, 0, 1, 44]));
  });

  it('percent-encodes a grpc-message so that grpc-web decodes it back, CR, LF, % and non-ASCII included', () => {
    for (const text of ['plain words: fine', '100% sure', 'line\r\nbreak', 'naïve € ✓ 🐙', '%E2%82%AC is not €']) {
      const encoded = percentEncode(text);
      expect(encoded).toMatch(/^[\x20-\x7e]*$/);
      expect(encoded).not.toMatch(/[\r\n]/);
      expect(asGrpcWebReads(encoded)).toBe(text);
    }
  });

  it('writes the trailer as header lines, with extra metadata such as err', () => {
    const trailer = encodeTrailer(Status.NOT_FOUND, 'cache not found: x', { err: 'cache_not_found' });
    expect(trailer[0]).toBe(0x80);
    expect(trailer.subarray(5).toString('latin1')).toBe('grpc-status:5\r\ngrpc-message:cache not found: x\r\nerr:cache_not_found\r\n');
    expect(encodeTrailer(0, '').subarray(5).toString('latin1')).toBe('grpc-status:0\r\n');
  });

  it('reads the data frames of a body, skipping trailer frames', () => {
    const body = Buffer.concat([encodeFrame(0, Uint8Array.of(1)), encodeFrame(0x80, Buffer.from('x:y')), encodeFrame(0, Uint8Array.of(2, 3))]);
    expect(decodeDataFrames(body).map((m) => [...m])).toEqual([[1], [2, 3]]);
    expect(decodeDataFrames(Buffer.alloc(0))).toEqual([]);
  });

  it('refuses a truncated or compressed frame with a status', () => {
    const codeOf = (body: Buffer): number | undefined => {
      try {
        decodeDataFrames(body);
        return undefined;
      } catch (error) {
        return error instanceof StatusError ? error.code : -1;
      }
    };
    expect(codeOf(Buffer.from([0, 0, 0]))).toBe(Status.INTERNAL);
    expect(codeOf(Buffer.from([0, 0, 0, 0, 9, 1]))).toBe(Status.INTERNAL);
    expect(codeOf(Buffer.from([1, 0, 0, 0, 1, 1]))).toBe(Status.UNIMPLEMENTED);
  });

  it('decodes base64 text made of several padded runs', () => {
    const runs = [Buffer.from('a'), Buffer.from('bc'), Buffer.from('def')].map((b) => b.toString('base64')).join('');
    expect(runs).toBe('YQ==YmM=ZGVm');
    expect(decodeBase64Text(runs).toString()).toBe('abcdef');
    expect(decodeBase64Text('YW Jj\r\n').toString()).toBe('abc');
  });
});

describe('grpc-timeout', () => {
  it('reads every unit as whole milliseconds', () => {
    expect(parseGrpcTimeout('1500m')).toBe(1500);
    expect(parseGrpcTimeout('2S')).toBe(2000);
    expect(parseGrpcTimeout('1M')).toBe(60_000);
    expect(parseGrpcTimeout('1H')).toBe(3_600_000);
    expect(parseGrpcTimeout('2500u')).toBe(3);
    expect(parseGrpcTimeout('1n')).toBe(1);
  });

  it('treats a missing or malformed value as no deadline', () => {
    for (const value of [undefined, '', '10', 'm', '123456789m', '5x', '-5m']) expect(parseGrpcTimeout(value)).toBeUndefined();
  });

  it('treats a timeout longer than a Node timer can wait as no deadline, rather than one that has passed', () => {
    expect(parseGrpcTimeout('596H')).toBe(596 * 3_600_000);
    expect(parseGrpcTimeout('597H')).toBeUndefined();
    expect(parseGrpcTimeout('99999999S')).toBeUndefined();
  });
});
