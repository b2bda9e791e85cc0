import type { RpcStatus, Status } from '../api/gemini/types.js';

/** google.rpc.Code numbers by name (googleapis/google/rpc/code.proto). */
const GRPC_CODES: Record<string, number> = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
};

/**
 * An error as a batch result carries it: google.rpc.Status in proto JSON, with the gRPC code
 * (Google's batch results show `{"code": 3, "message": …}` for a bad request), the message and
 * details of the `{"error": …}` body the interactive call answered.
 */
export function toRpcStatus(error: Pick<Status, 'status' | 'message' | 'details'>): RpcStatus {
  return {
    code: GRPC_CODES[error.status] ?? GRPC_CODES.UNKNOWN,
    message: error.message,
    ...(error.details?.length ? { details: error.details } : {}),
  };
}
