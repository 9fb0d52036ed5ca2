// Drill 4 with replicas (issue 16): two apis and two workers; the worker holding a Graph request is
// SIGKILLed before it hears the 200, and the surviving worker alone finishes (stalled-job recovery, relay,
// reconciler): none lost, and the only repeats the killed request's events, under the same event_id.
import { workerKillDrill } from './drills';

describe('fault drill, replicas: one of two workers SIGKILLed mid-batch', () =>
  workerKillDrill('replicas-worker', { apis: 2, workers: 2 }));
