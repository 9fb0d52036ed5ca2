import type { Provider, Type } from '@nestjs/common';
import { PRODUCED_QUEUES } from './producers';

/**
 * Where @nestjs/bullmq's @Processor(queue) keeps its options ({ name: queue }); the package does not export
 * the key. Were it to change, no processor would be found and the worker would refuse to start, loudly.
 */
export const PROCESSOR_METADATA = 'bullmq:processor_metadata';

export class JobRegistryError extends Error {
  override readonly name = 'JobRegistryError';
}

/** The queue a class processes, from its @Processor decorator (undefined for any other class). */
export function processedQueue(target: unknown): string | undefined {
  if (typeof target !== 'function') return undefined;
  const options = Reflect.getMetadata(PROCESSOR_METADATA, target) as { name?: string } | undefined;
  return options?.name;
}

const classOf = (provider: Provider): Type | undefined =>
  typeof provider === 'function'
    ? provider
    : 'useClass' in provider
      ? (provider.useClass as Type)
      : undefined;

/**
 * Refuses a worker whose processors do not match the producers (as immich's job repository does): every
 * queue a producer writes to needs exactly one processor (with none its jobs never run; with two, each job
 * runs under whichever takes it); a processor of a queue no producer writes to is a mistake too.
 */
export function assertOneProcessorPerQueue(
  providers: readonly Provider[],
  producedQueues: readonly string[] = PRODUCED_QUEUES,
): void {
  const processors = new Map<string, string[]>();
  for (const provider of providers) {
    const target = classOf(provider);
    const queue = processedQueue(target);
    if (target && queue) processors.set(queue, [...(processors.get(queue) ?? []), target.name]);
  }
  const problems: string[] = [];
  for (const queue of producedQueues) {
    const names = processors.get(queue) ?? [];
    if (!names.length) problems.push(`queue "${queue}" has no processor: its jobs would never run`);
    if (names.length > 1) {
      problems.push(`queue "${queue}" has ${names.length} processors (${names.join(', ')}): keep one`);
    }
  }
  for (const [queue, names] of processors) {
    if (!producedQueues.includes(queue)) {
      problems.push(`queue "${queue}" of ${names.join(', ')} has no producer: no job would ever reach it`);
    }
  }
  if (problems.length) {
    throw new JobRegistryError(`The worker cannot start: ${problems.join('; ')}.`);
  }
}
