import { describe, expect, it } from 'vitest';
import { ChatError, fromMomentoError, isChatError } from '../../src/errors.js';
import { momentoError } from './support/fake-momento.js';

describe('ChatError', () => {
  it('is an Error with a stable code, a name, a cause and the Momento code', () => {
    const cause = new Error('underlying');
    const error = new ChatError('PERMISSION_DENIED', 'unable to send; not allowed', { cause, momentoErrorCode: 'PERMISSION_ERROR' });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ChatError);
    expect(error.name).toBe('ChatError');
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.message).toBe('unable to send; not allowed');
    expect(error.cause).toBe(cause);
    expect(error.momentoErrorCode).toBe('PERMISSION_ERROR');
    expect(String(error)).toBe('ChatError: unable to send; not allowed');
  });

  it('has no cause or Momento code when given none', () => {
    const error = new ChatError('NOT_JOINED', 'unable to send; join first');
    expect('cause' in error).toBe(false);
    expect(error.momentoErrorCode).toBeUndefined();
  });
});

describe('isChatError', () => {
  it('is true for a ChatError', () => {
    expect(isChatError(new ChatError('INVALID_ARGUMENT', 'unable to x; y'))).toBe(true);
  });

  it('is true for a ChatError of a second copy of the library (same global brand, other class)', () => {
    class OtherCopyChatError extends Error {
      readonly code = 'NOT_JOINED';
      constructor() {
        super('unable to send; join first');
        Object.defineProperty(this, Symbol.for('momento-chat.ChatError'), { value: true });
      }
    }
    const foreign = new OtherCopyChatError();
    expect(foreign).not.toBeInstanceOf(ChatError);
    expect(isChatError(foreign)).toBe(true);
    expect(isChatError({ [Symbol.for('momento-chat.ChatError')]: true, code: 'MOMENTO_ERROR' })).toBe(true);
  });

  it.each([
    ['a plain Error', new Error('x')],
    ['an Error named ChatError', Object.assign(new Error('x'), { name: 'ChatError', code: 'NOT_JOINED' })],
    ['a brand that is not true', { [Symbol.for('momento-chat.ChatError')]: 'yes' }],
    ['a local symbol of the same name', { [Symbol('momento-chat.ChatError')]: true }],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'ChatError'],
  ])('is false for %s', (_, value) => {
    expect(isChatError(value)).toBe(false);
  });
});

describe('fromMomentoError', () => {
  it.each([
    ['PERMISSION_ERROR', 'PERMISSION_DENIED'],
    ['AUTHENTICATION_ERROR', 'AUTHENTICATION_FAILED'],
    ['NOT_FOUND_ERROR', 'CACHE_NOT_FOUND'],
    ['CACHE_NOT_FOUND_ERROR', 'CACHE_NOT_FOUND'],
    ['LIMIT_EXCEEDED_ERROR', 'LIMIT_EXCEEDED'],
    ['SERVER_UNAVAILABLE', 'MOMENTO_ERROR'],
    ['TIMEOUT_ERROR', 'MOMENTO_ERROR'],
    ['INTERNAL_SERVER_ERROR', 'MOMENTO_ERROR'],
    ['SOMETHING_NEW', 'MOMENTO_ERROR'],
  ])('maps %s to %s, keeping the Momento code and the SDK error', (momentoCode, code) => {
    const response = momentoError(momentoCode, 'the details');
    const error = fromMomentoError('read the history of room lobby', response);
    expect(isChatError(error)).toBe(true);
    expect(error.code).toBe(code);
    expect(error.momentoErrorCode).toBe(momentoCode);
    expect(error.cause).toBe(response.innerException());
    expect(error.message).toBe('unable to read the history of room lobby; the details');
  });
});
