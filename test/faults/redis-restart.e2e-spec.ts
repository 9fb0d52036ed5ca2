// Drill 3: Redis killed (SIGKILL) halfway through a stream of deliveries and started again, EMPTY (no
// persistence): the api must keep acknowledging, and every change must still be sent exactly once.
import { redisRestartDrill } from './drills';

describe('fault drill: Redis killed and restarted empty mid-stream', () => redisRestartDrill('fault-redis'));
