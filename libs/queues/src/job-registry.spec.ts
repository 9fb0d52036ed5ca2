import 'reflect-metadata';
import {
  assertOneProcessorPerQueue,
  JobRegistryError,
  PROCESSOR_METADATA,
  processedQueue,
} from './job-registry';
import { DISPATCH_QUEUE, DISPATCH_QUEUES, LIFECYCLE_QUEUE } from './queue-names';
import { DATA_MAINTENANCE_QUEUE } from './data-maintenance';
import { CRM_RECONCILE_QUEUE } from './crm-reconcile';
import { UNJOINED_SWEEP_QUEUE } from './unjoined-sweep';

// What @nestjs/bullmq's @Processor(queue) records (Nest's packages are ES modules Jest cannot load here).
const Processor =
  (queue: string): ClassDecorator =>
  (target) =>
    Reflect.defineMetadata(PROCESSOR_METADATA, { name: queue }, target);

@Processor(LIFECYCLE_QUEUE)
class LifecycleWork {}
@Processor(DISPATCH_QUEUE)
class DispatchWork {}
@Processor(DISPATCH_QUEUE)
class SecondDispatchWork {}
@Processor(UNJOINED_SWEEP_QUEUE)
class SweepWork {}
@Processor(CRM_RECONCILE_QUEUE)
class ReconcileWork {}
@Processor(DATA_MAINTENANCE_QUEUE)
class MaintenanceWork {}
@Processor(DISPATCH_QUEUES.google)
class GoogleWork {}
@Processor(DISPATCH_QUEUES.tiktok)
class TikTokWork {}
@Processor(DISPATCH_QUEUES.linkedin)
class LinkedInWork {}
/** The other platforms' dispatch processors, each on its own queue, and the maintenance one. */
const OTHER_PLATFORMS = [GoogleWork, TikTokWork, LinkedInWork, MaintenanceWork, ReconcileWork];
@Processor('lifecycel')
class MisnamedWork {}
class Helper {}

describe('assertOneProcessorPerQueue', () => {
  it('accepts one processor per produced queue, among other providers and provider shapes', () => {
    expect(() =>
      assertOneProcessorPerQueue([
        Helper,
        LifecycleWork,
        { provide: DispatchWork, useClass: DispatchWork },
        SweepWork,
        ...OTHER_PLATFORMS,
        { provide: 'x', useValue: 1 },
      ]),
    ).not.toThrow();
  });

  it('refuses a produced queue without a processor, naming the queue', () => {
    const check = () => assertOneProcessorPerQueue([LifecycleWork, SweepWork, ...OTHER_PLATFORMS]);
    expect(check).toThrow(JobRegistryError);
    expect(check).toThrow(
      new Error('The worker cannot start: queue "dispatch" has no processor: its jobs would never run.'),
    );
  });

  it('refuses a queue with two processors, naming the queue and both classes', () => {
    expect(() =>
      assertOneProcessorPerQueue([
        LifecycleWork,
        DispatchWork,
        SecondDispatchWork,
        SweepWork,
        ...OTHER_PLATFORMS,
      ]),
    ).toThrow(
      new Error(
        'The worker cannot start: queue "dispatch" has 2 processors (DispatchWork, SecondDispatchWork): keep one.',
      ),
    );
  });

  it('refuses a processor of a queue no producer writes to, and lists every problem at once', () => {
    const check = () => assertOneProcessorPerQueue([MisnamedWork, DispatchWork, SweepWork]);
    expect(check).toThrow('queue "lifecycle" has no processor');
    expect(check).toThrow('queue "lifecycel" of MisnamedWork has no producer');
  });

  it('checks the queues it is given', () => {
    expect(() => assertOneProcessorPerQueue([DispatchWork], [DISPATCH_QUEUE])).not.toThrow();
  });
});

describe('processedQueue', () => {
  it('reads the queue of a processor class, and nothing from anything else', () => {
    expect(processedQueue(DispatchWork)).toBe(DISPATCH_QUEUE);
    expect(processedQueue(Helper)).toBeUndefined();
    expect(processedQueue('dispatch')).toBeUndefined();
  });
});
