import { isChatError, type ChatError } from '../../../src/errors.js';

/** The ChatError a synchronous call throws; anything else thrown, or nothing, fails the test. */
export function thrown(call: () => unknown): ChatError {
  try {
    call();
  } catch (error) {
    if (isChatError(error)) return error;
    throw error;
  }
  throw new Error('expected a ChatError, but nothing was thrown');
}
