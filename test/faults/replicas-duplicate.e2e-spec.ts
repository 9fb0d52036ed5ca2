// Drill 1 with replicas (issue 16): two apis and two workers on one database and queue prefix, every batch
// delivered three times, each copy to another api than the one before (HubSpot's retry may land on another
// replica behind a load balancer), sent to Meta and TikTok: exactly one event per change and destination.
import { duplicateDeliveriesDrill } from './drills';

describe('fault drill, replicas: every delivery sent three times, across two apis', () =>
  duplicateDeliveriesDrill('replicas-triple', { apis: 2, workers: 2 }, { tiktok: true }));
