import { availableParallelism } from 'node:os';
import { AppConfig } from './app-config';
import { problemsOf } from '../../../test/support/config-problems';

describe('retention and process settings', () => {
  it("applies SPEC's defaults", () => {
    const config = AppConfig.fromEnv({});
    expect(config.retention).toEqual({
      touchpointDays: 400,
      webhookDeliveryDays: 90,
      destinationRequestDays: 90,
    });
    expect(config.processes).toEqual({
      apiProcesses: availableParallelism(),
      workerMetricsPort: 9464,
      metricsToken: undefined,
    });
  });

  it('reads every setting', () => {
    const config = AppConfig.fromEnv({
      TOUCHPOINT_RETENTION_DAYS: '365',
      WEBHOOK_DELIVERY_RETENTION_DAYS: '30',
      DESTINATION_REQUEST_RETENTION_DAYS: '7',
      API_PROCESSES: '1',
      WORKER_METRICS_PORT: '0',
      METRICS_TOKEN: 'metrics-token-0123456789',
    });
    expect(config.retention).toEqual({
      touchpointDays: 365,
      webhookDeliveryDays: 30,
      destinationRequestDays: 7,
    });
    expect(config.processes).toEqual({
      apiProcesses: 1,
      workerMetricsPort: 0,
      metricsToken: 'metrics-token-0123456789',
    });
  });

  it.each([
    ['TOUCHPOINT_RETENTION_DAYS', '30', 'TOUCHPOINT_RETENTION_DAYS must be 31 or more'],
    ['TOUCHPOINT_RETENTION_DAYS', '1.5', 'TOUCHPOINT_RETENTION_DAYS must be a whole number of days'],
    ['WEBHOOK_DELIVERY_RETENTION_DAYS', '7', 'WEBHOOK_DELIVERY_RETENTION_DAYS must be 8 or more'],
    ['DESTINATION_REQUEST_RETENTION_DAYS', '0', 'DESTINATION_REQUEST_RETENTION_DAYS must be 1 or more'],
    ['API_PROCESSES', '0', 'API_PROCESSES must be 1 or more'],
    ['API_PROCESSES', 'many', 'API_PROCESSES must be a whole number'],
    ['WORKER_METRICS_PORT', '70000', 'WORKER_METRICS_PORT'],
    ['METRICS_TOKEN', 'short', 'METRICS_TOKEN must be at least 16 characters'],
  ])('refuses %s=%s at start-up', (name, value, message) => {
    expect(problemsOf({ [name]: value }).join('\n')).toContain(message);
  });
});
