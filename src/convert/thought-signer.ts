import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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
/** Bytes naming the key a signature was issued under (so a server tells its own from another gemserve's). */
const KEY_ID_BYTES = 4;
/** Offsets in the header: magic, key id, kind, candidate, index (uint16), id length; then the response id. */
const AT = { keyId: MAGIC.length, kind: MAGIC.length + KEY_ID_BYTES, candidate: MAGIC.length + KEY_ID_BYTES + 1, index: MAGIC.length + KEY_ID_BYTES + 2, idLength: MAGIC.length + KEY_ID_BYTES + 4 };
const HEADER_BYTES = AT.idLength + 1;

/**
 * gemserve's thought signatures. Google's are "encrypted representations of the model's internal
 * thought process" that clients must return as received (ai.google.dev/gemini-api/docs/thought-signatures);
 * gemserve keeps no thoughts, so its signature only has to be opaque and verifiable, and needs no
 * state: it names the response and the part it was issued for (response id, candidate, part) and
 * carries an HMAC-SHA256 of that under the server's key, truncated to 16 bytes, all base64 as
 * `bytes` fields are. It also names the key (the first 4 bytes of its SHA-256), so a server can
 * tell a signature of its own that was edited from one another gemserve issued (a gemserve behind
 * this one as its Gemini upstream judges those). Anything that does not verify (edited, truncated, issued under another key)
 * is refused where Google refuses it (check-thought-signatures.ts).
 */
export class ThoughtSigner {
  readonly #key: Buffer;
  readonly #keyId: Buffer;

  /** `key`: the server's secret; a random one by default (signatures then die with the process). */
  constructor(key: Uint8Array = randomBytes(32)) {
    this.#key = Buffer.from(key);
    this.#keyId = createHash('sha256').update(this.#key).digest().subarray(0, KEY_ID_BYTES);
  }

  /** The signature of `part` of candidate `candidate` in response `responseId`. */
  sign(responseId: string, candidate: number, part: SignedPart): string {
    const id = Buffer.from(responseId, 'utf8').subarray(0, 255);
    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header);
    this.#keyId.copy(header, AT.keyId);
    header.writeUInt8(part.kind === 'call' ? 1 : 2, AT.kind);
    header.writeUInt8(Math.min(candidate, 255), AT.candidate);
    header.writeUInt16BE(part.kind === 'call' ? Math.min(part.index, 0xffff) : 0, AT.index);
    header.writeUInt8(id.length, AT.idLength);
    const body = Buffer.concat([header, id]);
    return Buffer.concat([body, this.#mac(body)]).toString('base64');
  }

  /** Whether `signature` is one this signer issued, byte for byte. */
  verify(signature: string): boolean {
    if (!isGemserveSignature(signature)) return false;
    const bytes = Buffer.from(signature, 'base64');
    if (bytes.toString('base64') !== signature || bytes.length < HEADER_BYTES + MAC_BYTES) return false;
    const bodyLength = HEADER_BYTES + bytes.readUInt8(AT.idLength);
    if (bytes.length !== bodyLength + MAC_BYTES) return false;
    return timingSafeEqual(bytes.subarray(bodyLength), this.#mac(bytes.subarray(0, bodyLength)));
  }

  /** Whether `signature` has gemserve's shape and names this signer's key (issued here, if it verifies). */
  namesThisKey(signature: string): boolean {
    if (!isGemserveSignature(signature)) return false;
    const bytes = Buffer.from(signature, 'base64');
    return bytes.length >= HEADER_BYTES && bytes.subarray(AT.keyId, AT.keyId + KEY_ID_BYTES).equals(this.#keyId);
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
