-- Source events are pruned by age (EHRFLOW_SINK_EVENT_RETENTION, EventRetention): an index on indexed_at lets
-- each pruning step find the oldest rows without scanning the table. indexed_at only grows, so the index is
-- appended to at its right edge and costs little on insert.
CREATE INDEX source_event_indexed_at_idx ON ehrflow.source_event (indexed_at);
