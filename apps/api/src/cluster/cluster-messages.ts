/** IPC between an api process and the cluster primary: a /metrics scrape asks the primary to aggregate. */
export const METRICS_REQUEST = 'journey:metrics-request';
export const METRICS_RESPONSE = 'journey:metrics-response';

export interface MetricsRequest {
  type: typeof METRICS_REQUEST;
  id: number;
}

export interface MetricsResponse {
  type: typeof METRICS_RESPONSE;
  id: number;
  metrics?: string;
  error?: string;
}

export const isMetricsRequest = (message: unknown): message is MetricsRequest =>
  (message as MetricsRequest | null)?.type === METRICS_REQUEST;

export const isMetricsResponse = (message: unknown): message is MetricsResponse =>
  (message as MetricsResponse | null)?.type === METRICS_RESPONSE;
