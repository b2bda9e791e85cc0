import { fileMetadataStoreCases } from './file-metadata-store.case.js';
import { MemoryFileMetadataStore } from './memory-file-metadata-store.js';

fileMetadataStoreCases('memory', async () => new MemoryFileMetadataStore());
