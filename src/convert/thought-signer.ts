import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The dummy signatures Google accepts where a call has no real one ("You can set the following
 * dummy signatures of either "context_engineering_is_the_way_to_go" or
 * "skip_thought_signature_validator"", ai.google.dev/gemini-api/docs/thought-signatures, FAQs;
 * gemini-cli sends the second for a call that came without a signature).
 */
export const DUMMY_THOUGHT_SIGNATURES: ReadonlySet<string> = new Set(['skip_thought_signature_validator', 'context_engineering_is_the_way_to_go']);

/** Which part of a candidate a signature was issued for. */
export type SignedPart =
  /** The candidate's `index`-th function call (0: the first, the one Gemini 3 signs). */
  | { kind: 'call'; index: number }
  /** The candidate's last part, when it made no call. */
  | { kind: 'last' };

/** `gs` and format version 1: every gemserve signature starts with these bytes, so with `Z3MB` in base64. */
const MAGIC = Buffer.from([0x67, 0x73, 0x01]);
const PREFIX = MAGIC.toString('base64');
const MAC_BYTES = 16;
/** Bytes before the response id: magic, kind, candidate, index (uint16), id length. */
const HEADER_BYTES = MAGIC.length + 5;

/**
 * gemserve's thought signatures. Google's are "encrypted representations of the model's internal
 * thought process" that clients must return as received (ai.google.dev/gemini-api/docs/thought-signatures);
 * gemserve keeps no thoughts, so its signature only has to be opaque and verifiable, and needs no
 * state: it names the response and the part it was issued for (response id, candidate, part) and
 * carries an HMAC-SHA256 of that under the server's key, truncated to 16 bytes, all base64 as
 * `bytes` fields are. Anything that does not verify (edited, truncated, issued under another key)
 * is refused where Google refuses it (check-thought-signatures.ts).
 */
export class ThoughtSigner {
  readonly #key: Buffer;

  /** `key`: the server's secret; a random one by default (signatures then die with the process). */
  constructor(key: Uint8Array = randomBytes(32)) {
    this.#key = Buffer.from(key);
  }

  /** The signature of `part` of candidate `candidate` in response `responseId`. */
  sign(responseId: string, candidate: number, part: SignedPart): string {
    const id = Buffer.from(responseId, 'utf8').subarray(0, 255);
    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header);
    header.writeUInt8(part.kind === 'call' ? 1 : 2, 3);
    header.writeUInt8(Math.min(candidate, 255), 4);
    header.writeUInt16BE(part.kind === 'call' ? Math.min(part.index, 0xffff) : 0, 5);
    header.writeUInt8(id.length, 7);
    const body = Buffer.concat([header, id]);
    return Buffer.concat([body, this.#mac(body)]).toString('base64');
  }

  /** Whether `signature` is one this signer issued, byte for byte. */
  verify(signature: string): boolean {
    if (!isGemserveSignature(signature)) return false;
    const bytes = Buffer.from(signature, 'base64');
    if (bytes.toString('base64') !== signature || bytes.length < HEADER_BYTES + MAC_BYTES) return false;
    const bodyLength = HEADER_BYTES + bytes.readUInt8(7);
    if (bytes.length !== bodyLength + MAC_BYTES) return false;
    return timingSafeEqual(bytes.subarray(bodyLength), this.#mac(bytes.subarray(0, bodyLength)));
  }

  #mac(body: Buffer): Buffer {
    return createHmac('sha256', this.#key).update(body).digest().subarray(0, MAC_BYTES);
  }
}

/**
 * Whether `signature` has the shape of a gemserve signature (valid or not): such a signature is
 * gemserve's own, meaningful to no engine, and never passed to one. Google's begin with a protobuf
 * field tag (`C…`, `E…`), never with gemserve's prefix.
 */
export function isGemserveSignature(signature: string): boolean {
  return signature.startsWith(PREFIX);
}
