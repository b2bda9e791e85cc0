import { blobStoreCases } from './blob-store.case.js';
import { MemoryBlobStore } from './memory-blob-store.js';

blobStoreCases('memory', async () => new MemoryBlobStore());
