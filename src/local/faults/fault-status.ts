import { Status, type StatusCode } from '../status-error.js';

/** A status a fault ends a call with, named as momento-local names it (gRPC code names in kebab-case). */
export type FaultStatus =
  | 'cancelled'
  | 'unknown'
  | 'invalid-argument'
  | 'deadline-exceeded'
  | 'not-found'
  | 'already-exists'
  | 'permission-denied'
  | 'resource-exhausted'
  | 'failed-precondition'
  | 'aborted'
  | 'out-of-range'
  | 'unimplemented'
  | 'internal'
  | 'unavailable'
  | 'data-loss'
  | 'unauthenticated';

const BY_KEBAB: Record<FaultStatus, StatusCode> = {
  cancelled: Status.CANCELLED,
  unknown: Status.UNKNOWN,
  'invalid-argument': Status.INVALID_ARGUMENT,
  'deadline-exceeded': Status.DEADLINE_EXCEEDED,
  'not-found': Status.NOT_FOUND,
  'already-exists': Status.ALREADY_EXISTS,
  'permission-denied': Status.PERMISSION_DENIED,
  'resource-exhausted': Status.RESOURCE_EXHAUSTED,
  'failed-precondition': Status.FAILED_PRECONDITION,
  aborted: Status.ABORTED,
  'out-of-range': Status.OUT_OF_RANGE,
  unimplemented: Status.UNIMPLEMENTED,
  internal: Status.INTERNAL,
  unavailable: Status.UNAVAILABLE,
  'data-loss': Status.DATA_LOSS,
  unauthenticated: Status.UNAUTHENTICATED,
};

// Momento's public test middleware sends `stream-error` as a MomentoErrorCode, unconverted.
const BY_MOMENTO_CODE: Record<string, StatusCode> = {
  INVALID_ARGUMENT_ERROR: Status.INVALID_ARGUMENT,
  BAD_REQUEST_ERROR: Status.INVALID_ARGUMENT,
  UNKNOWN_SERVICE_ERROR: Status.UNKNOWN,
  UNKNOWN_ERROR: Status.UNKNOWN,
  CACHE_ALREADY_EXISTS_ERROR: Status.ALREADY_EXISTS,
  ALREADY_EXISTS_ERROR: Status.ALREADY_EXISTS,
  STORE_ALREADY_EXISTS_ERROR: Status.ALREADY_EXISTS,
  CACHE_NOT_FOUND_ERROR: Status.NOT_FOUND,
  NOT_FOUND_ERROR: Status.NOT_FOUND,
  STORE_NOT_FOUND_ERROR: Status.NOT_FOUND,
  STORE_ITEM_NOT_FOUND_ERROR: Status.NOT_FOUND,
  INTERNAL_SERVER_ERROR: Status.INTERNAL,
  PERMISSION_ERROR: Status.PERMISSION_DENIED,
  AUTHENTICATION_ERROR: Status.UNAUTHENTICATED,
  CANCELLED_ERROR: Status.CANCELLED,
  SERVER_UNAVAILABLE: Status.UNAVAILABLE,
  CONNECTION_ERROR: Status.UNAVAILABLE,
  LIMIT_EXCEEDED_ERROR: Status.RESOURCE_EXHAUSTED,
  CLIENT_RESOURCE_EXHAUSTED: Status.RESOURCE_EXHAUSTED,
  TIMEOUT_ERROR: Status.DEADLINE_EXCEEDED,
  FAILED_PRECONDITION_ERROR: Status.FAILED_PRECONDITION,
};

/** @returns the status a fault name stands for, or undefined for a name it does not know (which injects nothing). */
export function parseFaultStatus(name: string | undefined): StatusCode | undefined {
  if (!name) return undefined;
  const trimmed = name.trim();
  return BY_KEBAB[trimmed.toLowerCase() as FaultStatus] ?? BY_MOMENTO_CODE[trimmed.toUpperCase()];
}
