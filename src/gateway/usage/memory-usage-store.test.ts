import { MemoryUsageStore } from './memory-usage-store.js';
import { usageStoreCases } from './usage-store.case.js';

usageStoreCases('memory', () => new MemoryUsageStore());
