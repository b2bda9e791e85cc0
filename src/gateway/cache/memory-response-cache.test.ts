import { MemoryResponseCache } from './memory-response-cache.js';
import { responseCacheCases } from './response-cache.case.js';

responseCacheCases('memory', async (limits, clock) => new MemoryResponseCache(limits, clock));
