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

/** The ChatError a promise rejects with; a resolved promise or any other error fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<ChatError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isChatError(error)) throw new Error(`expected a ChatError, got ${String(error)}`);
  return error;
}
