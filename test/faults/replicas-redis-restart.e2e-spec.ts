// Drill 3 with replicas (issue 16): two apis and two workers on one private Redis, which is SIGKILLed halfway
// through the stream and restarted empty: both apis keep answering 200 within 2 s (they store first), both
// workers reconnect, and their reconcilers recover the lost jobs, no loss and no doubles.
import { redisRestartDrill } from './drills';

describe('fault drill, replicas: Redis killed and restarted empty under two apis and two workers', () =>
  redisRestartDrill('replicas-redis', { apis: 2, workers: 2 }));
