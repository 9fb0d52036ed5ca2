// Drill 1: HubSpot delivers every batch three times (same body, re-signed each time, as its retries are).
import { duplicateDeliveriesDrill } from './drills';

describe('fault drill: every delivery sent three times', () => duplicateDeliveriesDrill('fault-triple'));
