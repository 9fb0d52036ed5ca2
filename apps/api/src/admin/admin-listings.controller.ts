import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminRepository, DispatchListRow, LifecycleEventListRow } from '@app/db';
import { AdminTokenGuard } from '../common/admin-token.guard';
import { DEFAULT_PAGE, DispatchesQuery, LifecycleEventsQuery } from './admin.dto';
import { decodeCursor, page, timeRange } from './pagination';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function presentLifecycleEvent(row: LifecycleEventListRow) {
  return {
    lifecycle_event_id: row.id,
    provider: row.provider,
    tenant: row.tenant,
    object_type: row.object_type,
    object_id: row.object_id,
    pipeline: row.pipeline,
    stage: row.stage,
    event_name: row.event_name,
    status: row.status,
    status_reason: row.status_reason,
    join_method: row.join_method,
    event_id: row.event_id,
    external_id: row.external_id,
    occurred_at: iso(row.occurred_at),
    value: row.value === null ? null : Number(row.value),
    currency: row.currency,
    enqueue_count: row.enqueue_count,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

function presentDispatch(row: DispatchListRow) {
  return {
    dispatch_id: row.id,
    // The name from when Meta was the only destination, kept for existing clients.
    capi_event_id: row.id,
    lifecycle_event_id: row.lifecycle_event_id,
    platform: row.platform,
    destination: row.destination,
    event_id: row.event_id,
    event_name: row.event_name,
    status: row.status,
    status_reason: row.status_reason,
    attempts: row.attempts,
    test_event_code: row.test_event_code,
    replay_count: row.replay_count,
    last_replayed_at: row.last_replayed_at?.toISOString() ?? null,
    sent_at: iso(row.sent_at),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    request_id: row.request_id,
    request_outcome: row.request_outcome,
    response_status: row.response_status,
    trace_id: row.trace_id,
    // Meta's name for its trace id, kept for existing clients.
    fbtrace_id: row.platform === 'meta' ? row.trace_id : null,
    request_at: iso(row.request_at),
  };
}

/** Read-only admin listings, newest first, with opaque keyset cursors. */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('v1/admin')
export class AdminListingsController {
  constructor(private readonly admin: AdminRepository) {}

  @Get('lifecycle-events')
  @ApiOperation({ summary: 'Lifecycle events with status, reason, join method and event_id (newest first)' })
  async lifecycleEvents(@Query() query: LifecycleEventsQuery) {
    const limit = query.limit ?? DEFAULT_PAGE;
    const cursor = decodeCursor(query.cursor);
    const rows = await this.admin.lifecycleEvents(
      {
        status: query.status,
        provider: query.provider,
        eventName: query.event_name,
        ...timeRange(query.since, query.until),
      },
      limit,
      cursor,
    );
    return page(rows, limit, presentLifecycleEvent);
  }

  @Get('dispatches')
  @ApiOperation({ summary: 'CAPI events with the Graph request that last carried them (newest first)' })
  async dispatches(@Query() query: DispatchesQuery) {
    const limit = query.limit ?? DEFAULT_PAGE;
    const cursor = decodeCursor(query.cursor);
    const rows = await this.admin.dispatches(
      { status: query.status, eventName: query.event_name, ...timeRange(query.since, query.until) },
      limit,
      cursor,
    );
    return page(rows, limit, presentDispatch);
  }
}
