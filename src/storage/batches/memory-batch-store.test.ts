import { batchStoreCases } from './batch-store.case.js';
import { MemoryBatchStore } from './memory-batch-store.js';

batchStoreCases('memory', () => new MemoryBatchStore());
