/** Errors on the wire: google.rpc.Status (google/rpc/status.proto in googleapis/googleapis). */

/** google.rpc.Status as Google serialises it in error bodies. */
export interface Status {
  code: number;
  message: string;
  status: string;
  details?: Array<Record<string, unknown> & { '@type': string }>;
}

export interface ErrorBody {
  error: Status;
}

/**
 * google.rpc.BadRequest.FieldViolation: which request field is wrong and why. `field` is the
 * proto (snake_case) path, e.g. `generation_config.temperature`; `description` is the whole
 * message Google would send.
 */
export interface FieldViolation {
  field: string;
  description: string;
}

/**
 * google.rpc.Status as it appears inside a resource (a batch's per-request error, a failed
 * Operation): `code` is the gRPC code number (3 INVALID_ARGUMENT, 5 NOT_FOUND, ...), not the HTTP
 * status of error bodies, and there is no `status` name (proto JSON of google.rpc.Status).
 */
export interface RpcStatus {
  code: number;
  message: string;
  details?: Array<Record<string, unknown> & { '@type': string }>;
}
