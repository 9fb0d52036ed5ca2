// Drill 4: the worker SIGKILLed while it is sending (some events already at Graph, not all), then a new
// worker started: BullMQ's stalled-job recovery and the relay must finish the rest, none lost, and the only
// repeats the deduplicable kind.
import { workerKillDrill } from './drills';

describe('fault drill: worker SIGKILLed mid-batch', () => workerKillDrill('fault-worker'));
