/**
 * Lists a Hugging Face model repo's files through its public API
 * (`GET /api/models/{owner}/{repo}[/revision/{rev}]`, whose `siblings[].rfilename` are the
 * paths; the endpoint huggingface_hub's `model_info` calls). Only the `:QUANT` pull forms need
 * it; it needs the network even when the file would come from a mirror's cache.
 */
import { CliError } from '../cli-error.js';
import { describeUnreachable } from './describe-network-error.js';
import { failedUrlOf, httpGet } from './http-get.js';

/** Options of {@link listHfRepoFiles}. */
export interface ListHfRepoFilesOptions {
  endpoint: string;
  owner: string;
  repo: string;
  revision: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** The repo's file paths. Throws {@link CliError} when offline, unauthorised or not found. */
export async function listHfRepoFiles(o: ListHfRepoFilesOptions): Promise<string[]> {
  const url = `${o.endpoint}/api/models/${o.owner}/${o.repo}${o.revision === 'main' ? '' : `/revision/${encodeURIComponent(o.revision)}`}`;
  const id = `${o.owner}/${o.repo}`;
  let res;
  try {
    res = await httpGet(url, { headers: o.headers, signal: o.signal });
  } catch (e) {
    if (o.signal?.aborted) throw new CliError('cancelled', 130);
    const unreachable = describeUnreachable(e, failedUrlOf(e) ?? new URL(url));
    if (unreachable) {
      throw new CliError(`${unreachable}. Listing ${id} to find a quantization needs the network.`);
    }
    throw new CliError(`cannot list ${id}: ${(e as Error).message}`);
  }
  const chunks: Buffer[] = [];
  for await (const c of res.body) chunks.push(c as Buffer);
  if (res.status === 401 || res.status === 403 || res.status === 404) {
    // Hugging Face answers 401 for both missing and private repos, so say both.
    throw new CliError(
      `Hugging Face repo ${id} not found or not accessible (HTTP ${res.status}). ` +
        'Check the name; for a gated or private repo set GEMSERVE_HF_TOKEN or HF_TOKEN.',
    );
  }
  if (res.status !== 200) throw new CliError(`cannot list ${id}: HTTP ${res.status} from ${new URL(url).host}`);
  let info: { siblings?: Array<{ rfilename?: unknown }> };
  try {
    info = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new CliError(`cannot list ${id}: ${new URL(url).host} did not answer with JSON`);
  }
  return (info.siblings ?? []).map((s) => s.rfilename).filter((f): f is string => typeof f === 'string');
}
