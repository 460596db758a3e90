import type { MomentoErrorCode } from '@gomomento/sdk';

/** The part of every SDK response these helpers read. */
export interface SdkResponse {
  type: string;
  toString(): string;
}

/**
 * `'Hit'`, `'Success'`… for a success, `'Error:<MomentoErrorCode>'` for an error, so a table of
 * expected outcomes compares as strings and a failing cell reads plainly.
 */
export function outcome(response: SdkResponse): string {
  if (response.type !== 'Error') return response.type;
  return `Error:${(response as unknown as { errorCode(): MomentoErrorCode }).errorCode()}`;
}

/**
 * The `errorCode()` of an SDK response whose type is 'Error', or a description of what it was instead,
 * so `expect(errorCodeOf(r)).toBe(MomentoErrorCode.X)` fails with a readable message.
 */
export function errorCodeOf(response: SdkResponse): string {
  if (response.type === 'Error' && 'errorCode' in response && typeof response.errorCode === 'function') {
    return String(response.errorCode());
  }
  return `not an error: ${response.toString()}`;
}
