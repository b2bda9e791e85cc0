import { runCachedContentStoreContract } from './cached-content-store.case.js';
import { MemoryCachedContentStore } from './memory-cached-content-store.js';

runCachedContentStoreContract('memory', (clock) => new MemoryCachedContentStore({ clock }));
